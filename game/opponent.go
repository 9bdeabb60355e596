package game

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultTimeout is how long the game waits for each answer of an opponent.
const DefaultTimeout = 2 * time.Second

// DefaultQuitGrace is how long Close lets an opponent exit by itself after
// "quit" before it kills it. A bot that reads its input exits within a few
// milliseconds; one that ignores "quit" delays Close by this much.
const DefaultQuitGrace = 100 * time.Millisecond

// The ways an opponent can fail. Each ends the match; the error returned is
// an *OpponentError that wraps one of these (check with errors.Is) and says
// in which round, with which line, exit status or stderr.
var (
	// ErrTimeout: no answer within the per-answer timeout, or the opponent
	// did not read what the game wrote to it.
	ErrTimeout = errors.New("opponent did not answer in time")
	// ErrOpponentExited: the process exited or closed its output.
	ErrOpponentExited = errors.New("opponent exited")
	// ErrMalformed: the answer is not what the protocol allows here.
	ErrMalformed = errors.New("malformed answer from opponent")
	// ErrCommitMismatch: in commit mode, the revealed move and nonce do
	// not hash to the commitment.
	ErrCommitMismatch = errors.New("revealed move does not match the commitment")
)

// OpponentError describes why an opponent was dropped. It unwraps to one of
// ErrTimeout, ErrOpponentExited, ErrMalformed, ErrCommitMismatch, or to a
// context error.
type OpponentError struct {
	Side   Side   // the side at fault (set by the Referee and by Play; Bot in the game)
	Round  int    // the round being played (0: before the first round was asked)
	Err    error  // the sentinel
	Detail string // what happened, e.g. the offending line, quoted
	Exit   string // exit status ("exit status 3", "signal: killed") if known
	Stderr string // the last lines the opponent wrote to stderr, if any
}

// Error returns "round <n>: <what happened>: <detail> (<exit status>);
// stderr: <tail>", leaving out the parts that are not known.
func (e *OpponentError) Error() string {
	s := e.Err.Error()
	if e.Round > 0 {
		s = "round " + strconv.Itoa(e.Round) + ": " + s
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	if e.Exit != "" {
		s += " (" + e.Exit + ")"
	}
	if e.Stderr != "" {
		s += "; stderr: " + strconv.Quote(e.Stderr)
	}
	return s
}

// Unwrap returns the sentinel error.
func (e *OpponentError) Unwrap() error { return e.Err }

// OpponentOptions configure StartOpponent. The zero value is ready to use.
type OpponentOptions struct {
	// Timeout bounds the wait for each answer in Receive, and how long the
	// opponent may leave a line the game wrote unread; 0 means
	// DefaultTimeout. An event loop that uses Poll keeps its own answer
	// timer (see Timeout).
	Timeout time.Duration
	// QuitGrace bounds how long Close waits, after "quit", for the
	// opponent to exit by itself before it is killed; 0 means
	// DefaultQuitGrace (never more than Timeout).
	QuitGrace time.Duration
	// StderrLine, if set, sees each line the opponent writes to its stderr
	// (without the newline), from a goroutine of the Opponent's; it must
	// not block. A line it consumes (returns true) is left out of the
	// stderr tail that error messages quote. The game reads the bot's
	// explanations this way (game.ParseExplanationLine). Unused when Cmd
	// has its own Stderr.
	StderrLine func(line string) (consumed bool)
	// Notify, if set, is called whenever Poll has something new to return:
	// a line, the end of the opponent's output, its exit, a failed write.
	// It is called from the Opponent's own goroutines and must not block;
	// an event loop passes the function that wakes it (for the game,
	// input.Console.Interrupt).
	Notify func()
	// Cmd, if set, is the command to run instead of argv (for callers that
	// need to set its environment, credentials or process attributes). Its
	// Stdin and Stdout must be nil: they become the protocol pipes. If its
	// Stderr is nil, the opponent's stderr is kept for error messages. If
	// its SysProcAttr is nil, the opponent gets its own process group, so
	// that killing it also kills its children.
	Cmd *exec.Cmd
}

// Opponent is a running opponent process speaking the line protocol on its
// stdin and stdout. Its goroutines read the process's output line by line,
// write the lines sent to it, and wait for its exit; the caller is never
// blocked by the process:
//
//   - Send queues a line; a goroutine writes it.
//   - Poll returns the next thing the opponent said, or its failure, without
//     waiting: an event loop calls it when Notify has woken it.
//   - Receive waits (up to the timeout) for the next message: synchronous
//     drivers such as Play use it.
//
// Poll and Receive are two ways to read the same stream; use one. The order
// of the protocol is the Referee's business: the Opponent checks only that
// each line is a protocol message. After the first failure (an *OpponentError:
// exit, timeout, a line that is not a message) the process is killed, and
// every later call returns the same error. Close must always be called.
//
// Concurrency: Send, Poll, Receive and Close are for one goroutine (the
// driver); PID and Timeout may be called from any goroutine.
type Opponent struct {
	cmd     *exec.Cmd
	pid     int
	timeout time.Duration
	grace   time.Duration
	ctx     context.Context
	notify  func()
	stdin   *os.File // write end of the bot's stdin
	stdout  *os.File // read end of the bot's stdout
	stderr  *tailBuffer
	ownPG   bool

	items  chan item     // lines, then a final item (reader, writer, waiter)
	out    chan []byte   // lines to write (writer goroutine)
	done   chan struct{} // closed by stop: the goroutines end
	exited chan struct{} // closed when Wait has returned
	rdone  chan struct{} // closed when the reader has pushed its last item
	state  *os.ProcessState
	wg     sync.WaitGroup
	stop   sync.Once

	round  int   // the last round sent ("round n"), for error messages
	err    error // sticky failure (driver goroutine)
	closed bool
}

// item is one thing the Opponent's goroutines report: a line (with trailing
// set when more output was already buffered behind it: the opponent said
// more than one line at once), or the final failure.
type item struct {
	text     string
	trailing bool
	final    *OpponentError // Round not set
}

// StartOpponent starts argv[0] with arguments argv[1:] (or opts.Cmd) as an
// opponent. If ctx is cancelled, the process is killed and waiting calls
// return the context's error.
func StartOpponent(ctx context.Context, argv []string, opts OpponentOptions) (*Opponent, error) {
	cmd := opts.Cmd
	if cmd == nil {
		if len(argv) == 0 {
			return nil, errors.New("empty command")
		}
		cmd = exec.Command(argv[0], argv[1:]...)
	}
	if cmd.Stdin != nil || cmd.Stdout != nil {
		return nil, errors.New("OpponentOptions.Cmd: Stdin and Stdout must be nil")
	}
	o := &Opponent{
		cmd: cmd, timeout: opts.Timeout, ctx: ctx, notify: opts.Notify,
		items: make(chan item, 16), out: make(chan []byte, 64),
		done: make(chan struct{}), exited: make(chan struct{}), rdone: make(chan struct{}),
	}
	if o.timeout <= 0 {
		o.timeout = DefaultTimeout
	}
	if o.notify == nil {
		o.notify = func() {}
	}
	o.grace = opts.QuitGrace
	if o.grace <= 0 {
		o.grace = DefaultQuitGrace
	}
	o.grace = min(o.grace, o.timeout)
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return nil, err
	}
	cmd.Stdin, cmd.Stdout = inR, outW
	if cmd.Stderr == nil {
		o.stderr = &tailBuffer{line: opts.StderrLine}
		cmd.Stderr = o.stderr
	}
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = ownProcessGroup()
		o.ownPG = true
	}
	if cmd.WaitDelay == 0 {
		cmd.WaitDelay = time.Second
	}
	err = cmd.Start()
	inR.Close()
	outW.Close()
	if err != nil {
		inW.Close()
		outR.Close()
		return nil, err // exec's error names the program
	}
	o.pid = cmd.Process.Pid
	o.stdin, o.stdout = inW, outR
	o.wg.Add(4)
	go o.readLoop()
	go o.writeLoop()
	go o.waitLoop()
	go func() {
		defer o.wg.Done()
		select {
		case <-ctx.Done():
			o.kill()
		case <-o.exited:
		}
	}()
	return o, nil
}

// PID returns the opponent's process id (for the spy to follow).
func (o *Opponent) PID() int { return o.pid }

// Output returns the game's end of the pipe the opponent writes its answers
// into, for a spy that watches that pipe by inode (bpf/spy WatchFile): a bot
// that hands its stdout to another process still writes into this pipe.
// Only the Opponent reads from it; do not read it or close it. Any
// goroutine.
func (o *Opponent) Output() *os.File { return o.stdout }

// Timeout returns the per-answer timeout (OpponentOptions.Timeout, or
// DefaultTimeout).
func (o *Opponent) Timeout() time.Duration { return o.timeout }

// push hands an item to the driver and wakes it; it gives up when the
// Opponent is stopped.
func (o *Opponent) push(it item) bool {
	select {
	case o.items <- it:
		o.notify()
		return true
	case <-o.done:
		return false
	}
}

// readLoop turns the opponent's output into line items, then one final item
// at the end of its output (with the exit status, if the process ends soon
// after).
func (o *Opponent) readLoop() {
	defer o.wg.Done()
	defer close(o.rdone)
	r := bufio.NewReaderSize(o.stdout, 4096)
	for {
		line, err := readLine(r)
		if errors.Is(err, errLongLine) {
			line, err = fmt.Sprintf("(a line longer than %d bytes)", MaxLine), nil
		}
		if err != nil {
			detail := ""
			if !errors.Is(err, io.EOF) {
				detail = "reading its output: " + err.Error()
			}
			// An opponent that closes its output is usually exiting:
			// give it a moment, so that its own exit status is reported.
			o.awaitExit(min(o.timeout, time.Second))
			o.push(item{final: o.exitError(detail)})
			return
		}
		if !o.push(item{text: line, trailing: r.Buffered() > 0}) {
			return
		}
	}
}

// writeLoop writes the queued lines, each within the timeout.
func (o *Opponent) writeLoop() {
	defer o.wg.Done()
	for {
		var b []byte
		select {
		case b = <-o.out:
		case <-o.done:
			return
		}
		_ = o.stdin.SetWriteDeadline(time.Now().Add(o.timeout))
		if _, err := o.stdin.Write(b); err != nil {
			line := string(b[:len(b)-1])
			if errors.Is(err, os.ErrDeadlineExceeded) {
				o.push(item{final: &OpponentError{Err: ErrTimeout, Detail: fmt.Sprintf("it did not read %q within %v", line, o.timeout)}})
				return
			}
			// Broken pipe: the opponent is gone (or closed its input).
			o.awaitExit(min(o.timeout, time.Second))
			o.push(item{final: o.exitError("it stopped reading its input")})
			return
		}
	}
}

// waitLoop reaps the process. If the process exits while something still
// holds its output open (a child it started), the reader would never see the
// end of it: the exit is then reported by itself.
func (o *Opponent) waitLoop() {
	defer o.wg.Done()
	_ = o.cmd.Wait()
	o.state = o.cmd.ProcessState
	close(o.exited)
	t := time.NewTimer(50 * time.Millisecond)
	defer t.Stop()
	select {
	case <-o.rdone:
	case <-t.C:
		o.push(item{final: o.exitError("")})
	case <-o.done:
	}
}

// awaitExit waits up to d for the process to exit.
func (o *Opponent) awaitExit(d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-o.exited:
	case <-t.C:
	case <-o.done:
	}
}

// exitError describes the end of the opponent, with its exit status and
// stderr when they are known. Goroutines call it after awaitExit.
func (o *Opponent) exitError(detail string) *OpponentError {
	e := &OpponentError{Err: ErrOpponentExited, Detail: detail, Stderr: o.stderr.tail()}
	select {
	case <-o.exited:
		e.Exit = o.state.String()
	default:
		if e.Detail == "" {
			e.Detail = "end of its output"
		}
	}
	return e
}

// Send queues one protocol line for the opponent and returns at once; a
// goroutine writes it. An opponent that leaves it unread for the timeout
// fails with ErrTimeout (reported by Poll or Receive). Sending "round n"
// while a line of the opponent is still waiting to be read is an error: the
// opponent spoke before it was asked (ErrMalformed).
func (o *Opponent) Send(msg Message) error {
	if o.err != nil {
		return o.err
	}
	if o.closed {
		return errors.New("opponent: Send after Close")
	}
	if msg.Kind == MsgRound {
		o.round = msg.Round
		select {
		case it := <-o.items:
			if it.final == nil {
				return o.fail(&OpponentError{Err: ErrMalformed,
					Detail: fmt.Sprintf("unsolicited line %q before round %d was asked", it.text, msg.Round)}, false)
			}
			return o.fail(it.final, false)
		default:
		}
	}
	b := append([]byte(msg.String()), '\n')
	select {
	case o.out <- b:
		return nil
	default:
		return o.fail(&OpponentError{Err: ErrTimeout, Detail: "it does not read its input"}, false)
	}
}

// Poll returns the next message the opponent sent, if one has arrived, and
// true; or false when there is nothing new. A line that is not a protocol
// message, the end of the opponent's output, its exit and a write that timed
// out are returned as the error (an *OpponentError), after which the process
// is killed (not reaped: Close does that) and the same error is returned
// forever. Poll never blocks.
func (o *Opponent) Poll() (Message, bool, error) {
	if o.err != nil {
		return Message{}, false, o.err
	}
	select {
	case it := <-o.items:
		msg, err := o.take(it, false)
		return msg, err == nil, err
	default:
		return Message{}, false, nil
	}
}

// Receive waits up to the timeout for the opponent's next message. Errors
// are as for Poll, plus ErrTimeout when nothing arrives in time and the
// context's error when it is cancelled; after an error the process has been
// killed and reaped.
func (o *Opponent) Receive() (Message, error) {
	if o.err != nil {
		return Message{}, o.err
	}
	if o.closed {
		return Message{}, errors.New("opponent: Receive after Close")
	}
	t := time.NewTimer(o.timeout)
	defer t.Stop()
	select {
	case it := <-o.items:
		if it.final != nil && o.ctx.Err() != nil {
			// The context's cancellation killed the process: report
			// that, not the end of output it caused.
			return Message{}, o.cancelled()
		}
		msg, err := o.take(it, true)
		if err == nil && it.trailing {
			err = o.fail(&OpponentError{Err: ErrMalformed, Detail: fmt.Sprintf("unsolicited output after the answer %q", it.text)}, true)
		}
		return msg, err
	case <-t.C:
		select {
		case <-o.exited:
			return Message{}, o.fail(o.exitError("no answer, and the process is gone"), true)
		default:
		}
		return Message{}, o.fail(&OpponentError{Err: ErrTimeout, Detail: fmt.Sprintf("no answer within %v", o.timeout)}, true)
	case <-o.ctx.Done():
		return Message{}, o.cancelled()
	}
}

// take turns an item into a message, or into the Opponent's failure.
func (o *Opponent) take(it item, reap bool) (Message, error) {
	if it.final != nil {
		return Message{}, o.fail(it.final, reap)
	}
	msg, err := ParseMessage(it.text)
	if err != nil {
		return Message{}, o.fail(&OpponentError{Err: ErrMalformed, Detail: fmt.Sprintf("%q is not a protocol message", it.text)}, reap)
	}
	return msg, nil
}

func (o *Opponent) cancelled() error {
	o.shutdown()
	o.err = fmt.Errorf("round %d: opponent: %w", o.round, o.ctx.Err())
	return o.err
}

// fail records e (with the round in play) as the Opponent's failure and
// kills the process; with reap, it also waits until the process is reaped
// and the goroutines have ended.
func (o *Opponent) fail(e *OpponentError, reap bool) error {
	c := *e
	c.Round = o.round
	if c.Stderr == "" {
		c.Stderr = o.stderr.tail()
	}
	o.err = &c
	if reap {
		o.shutdown()
		return o.err
	}
	select {
	case <-o.exited: // reaped: its pid may be someone else's now
	default:
		o.kill()
	}
	return o.err
}

// Close ends the opponent: it sends "quit", gives the process up to the quit
// grace (OpponentOptions.QuitGrace) to exit by itself, then kills it (and its
// process group) and reaps it; every goroutine of the Opponent has ended when
// Close returns. It returns an error only if the process misbehaved while
// quitting (it exited with a failure status). Close may be called more than
// once.
func (o *Opponent) Close() error {
	if o.closed {
		return nil
	}
	o.closed = true
	if o.err != nil {
		o.shutdown()
		return nil
	}
	// The writer may be blocked on a full pipe: "quit" goes behind what is
	// queued, and the grace bounds the wait either way.
	select {
	case o.out <- []byte("quit\n"):
	default:
	}
	t := time.NewTimer(o.grace)
	defer t.Stop()
	exitedByItself := false
	select {
	case <-o.exited:
		exitedByItself = true
	case <-t.C:
	}
	o.shutdown()
	if exitedByItself && o.state != nil && !o.state.Success() {
		return &OpponentError{Err: ErrOpponentExited, Detail: "after quit", Exit: o.state.String(), Stderr: o.stderr.tail()}
	}
	return nil
}

// kill signals the process (group). Safe to call more than once and from
// other goroutines.
func (o *Opponent) kill() {
	if o.ownPG {
		killGroup(o.pid)
	}
	_ = o.cmd.Process.Kill()
}

// shutdown kills the process, reaps it and stops the goroutines.
func (o *Opponent) shutdown() {
	o.stop.Do(func() {
		select {
		case <-o.exited:
		default:
			o.kill()
		}
		<-o.exited
		close(o.done)
		o.stdin.Close()
		o.stdout.Close() // unblocks the reader if a grandchild holds the pipe
		o.wg.Wait()
	})
}

// tailBuffer keeps the last bytes written to it, and hands each complete
// line to line (if set), which may consume it. It is safe for concurrent use
// (the exec package copies stderr on its own goroutine).
type tailBuffer struct {
	mu      sync.Mutex
	buf     []byte
	line    func(string) bool
	partial []byte // the start of a line not ended yet (line set only)
}

const tailMax = 512

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := len(p)
	if t.line == nil {
		t.keep(p)
		return n, nil
	}
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			if len(t.partial) < MaxLine {
				t.partial = append(t.partial, p[:min(len(p), MaxLine-len(t.partial))]...)
			}
			break
		}
		line := append(t.partial, p[:i]...)
		t.partial = t.partial[:0]
		if !t.line(string(line)) {
			t.keep(line)
			t.keep([]byte{'\n'})
		}
		p = p[i+1:]
	}
	return n, nil
}

// keep appends p to the tail. Called with mu held.
func (t *tailBuffer) keep(p []byte) {
	t.buf = append(t.buf, p...)
	if len(t.buf) > tailMax {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-tailMax:]...)
	}
}

// tail returns the kept text (and a last line not ended yet), trimmed of
// surrounding white space.
func (t *tailBuffer) tail() string {
	if t == nil {
		return ""
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	s := string(t.buf) + string(t.partial)
	if len(s) > tailMax {
		s = s[len(s)-tailMax:]
	}
	return strings.TrimRight(s, "\n\r ")
}
