package game

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
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
	// ErrTimeout: no answer within the per-answer timeout.
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
	Round  int    // the round being played (0: while starting or quitting)
	Err    error  // the sentinel
	Detail string // what happened, e.g. the offending line, quoted
	Exit   string // exit status ("exit status 3", "signal: killed") if known
	Stderr string // the last lines the opponent wrote to stderr, if any
}

// Error returns "round <n>: <what happened>: <detail> (<exit status>);
// stderr: <tail>", leaving out the parts that are not known.
func (e *OpponentError) Error() string {
	s := "round " + strconv.Itoa(e.Round) + ": " + e.Err.Error()
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
	// Timeout bounds the wait for each answer; 0 means DefaultTimeout.
	Timeout time.Duration
	// QuitGrace bounds how long Close waits, after "quit", for the
	// opponent to exit by itself before it is killed; 0 means
	// DefaultQuitGrace (never more than Timeout).
	QuitGrace time.Duration
	// RequireCommit rejects plain answers (ErrMalformed): the opponent
	// must commit. Without it, both plain and commit answers are accepted,
	// round by round.
	RequireCommit bool
	// Cmd, if set, is the command to run instead of argv (for callers that
	// need to set its environment, credentials or process attributes). Its
	// Stdin and Stdout must be nil: they become the protocol pipes. If its
	// Stderr is nil, the opponent's stderr is kept for error messages. If
	// its SysProcAttr is nil, the opponent gets its own process group, so
	// that killing it also kills its children.
	Cmd *exec.Cmd
}

// Answer is an opponent's answer to "round n": its move (plain mode), or its
// commitment (commit mode, where the move is known only after Reveal).
type Answer struct {
	Round      int    // the round asked for
	Move       Move   // NoMove when committed
	Commitment string // lowercase hex sha256("<move>:<nonce>"), or ""
}

// Committed reports whether the answer is a commitment.
func (a Answer) Committed() bool { return a.Commitment != "" }

// Player is one side of a match as Play drives it: an opponent process
// (*Opponent) or an in-process Strategy (StrategyPlayer).
type Player interface {
	// Ask asks for the move of round n, before the other side's move is
	// known.
	Ask(n int) (Answer, error)
	// Reveal tells the player the other side's move of round n and returns
	// the player's own move (verified against its commitment if it
	// committed).
	Reveal(n int, other Move) (Move, error)
}

// Opponent is a running opponent process speaking the line protocol on its
// stdin and stdout. Play a round with Ask and then Reveal; finish with Close,
// which must always be called. After any error the process has been killed
// and reaped, and every later call returns the same error.
//
// An Opponent is not safe for concurrent use, except PID, which may be
// called at any time.
type Opponent struct {
	cmd     *exec.Cmd
	pid     int
	timeout time.Duration
	grace   time.Duration
	require bool
	ctx     context.Context
	stdin   *os.File // write end of the bot's stdin
	stdout  *os.File // read end of the bot's stdout
	stderr  *tailBuffer
	ownPG   bool

	lines  chan lineResult
	done   chan struct{} // closed by shutdown
	exited chan struct{} // closed when Wait has returned
	state  *os.ProcessState
	werr   error
	wg     sync.WaitGroup

	pending Answer
	asked   bool
	err     error
	closed  bool
}

type lineResult struct {
	text string
	err  error
	// trailing: more output was already buffered behind this line (it
	// came in the same read), so the opponent said more than one line.
	trailing bool
}

// StartOpponent starts argv[0] with arguments argv[1:] (or opts.Cmd) as an
// opponent. If ctx is cancelled, the process is killed and waiting calls
// return the context's error.
func StartOpponent(ctx context.Context, argv []string, opts OpponentOptions) (*Opponent, error) {
	cmd := opts.Cmd
	if cmd == nil {
		if len(argv) == 0 {
			return nil, errors.New("start opponent: empty command")
		}
		cmd = exec.Command(argv[0], argv[1:]...)
	}
	if cmd.Stdin != nil || cmd.Stdout != nil {
		return nil, errors.New("start opponent: Cmd.Stdin and Cmd.Stdout must be nil")
	}
	o := &Opponent{
		cmd: cmd, timeout: opts.Timeout, require: opts.RequireCommit, ctx: ctx,
		lines: make(chan lineResult, 4), done: make(chan struct{}), exited: make(chan struct{}),
	}
	if o.timeout <= 0 {
		o.timeout = DefaultTimeout
	}
	o.grace = opts.QuitGrace
	if o.grace <= 0 {
		o.grace = DefaultQuitGrace
	}
	o.grace = min(o.grace, o.timeout)
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("start opponent %q: %w", cmd.Path, err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return nil, fmt.Errorf("start opponent %q: %w", cmd.Path, err)
	}
	cmd.Stdin, cmd.Stdout = inR, outW
	if cmd.Stderr == nil {
		o.stderr = &tailBuffer{}
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
		return nil, fmt.Errorf("start opponent %q: %w", cmd.Path, err)
	}
	o.pid = cmd.Process.Pid
	o.stdin, o.stdout = inW, outR
	o.wg.Add(3)
	go o.readLoop()
	go func() {
		defer o.wg.Done()
		o.werr = cmd.Wait()
		o.state = cmd.ProcessState
		close(o.exited)
	}()
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

func (o *Opponent) readLoop() {
	defer o.wg.Done()
	defer close(o.lines)
	r := bufio.NewReaderSize(o.stdout, 4096)
	for {
		line, err := readLine(r)
		if errors.Is(err, errLongLine) {
			line, err = fmt.Sprintf("(a line longer than %d bytes)", MaxLine), nil
		}
		select {
		case o.lines <- lineResult{line, err, err == nil && r.Buffered() > 0}:
		case <-o.done:
			return
		}
		if err != nil {
			return
		}
	}
}

// Ask sends "round n" and reads the answer: a move or a commitment.
func (o *Opponent) Ask(n int) (Answer, error) {
	if o.err != nil {
		return Answer{}, o.err
	}
	if o.closed {
		return Answer{}, errors.New("opponent: Ask after Close")
	}
	select {
	case l, ok := <-o.lines:
		if ok && l.err == nil {
			return Answer{}, o.fail(n, ErrMalformed, fmt.Sprintf("unsolicited line %q before round %d was asked", l.text, n))
		}
		return Answer{}, o.fail(n, ErrOpponentExited, "end of its output")
	default:
	}
	if err := o.send(n, Message{Kind: MsgRound, Round: n}); err != nil {
		return Answer{}, err
	}
	line, err := o.read(n)
	if err != nil {
		return Answer{}, err
	}
	msg, perr := ParseMessage(line)
	switch {
	case perr == nil && msg.Kind == MsgMove && !o.require:
		o.pending = Answer{Round: n, Move: msg.Move}
	case perr == nil && msg.Kind == MsgCommit:
		o.pending = Answer{Round: n, Commitment: msg.Hash}
	default:
		want := "a move or a commitment"
		if o.require {
			want = "a commitment (commit mode)"
		}
		return Answer{}, o.fail(n, ErrMalformed, fmt.Sprintf("want %s, got %q", want, line))
	}
	o.asked = true
	return o.pending, nil
}

// Reveal sends "opponent n <other>" and returns the opponent's move of round
// n: the move it answered, or, after a commitment, the move of its "reveal"
// line once the hash has been checked.
func (o *Opponent) Reveal(n int, other Move) (Move, error) {
	if o.err != nil {
		return NoMove, o.err
	}
	if !o.asked || o.pending.Round != n {
		return NoMove, fmt.Errorf("opponent: Reveal(%d) without Ask(%d)", n, n)
	}
	if !other.Valid() {
		return NoMove, fmt.Errorf("opponent: Reveal(%d, %v): %w", n, other, ErrBadMove)
	}
	o.asked = false
	if err := o.send(n, Message{Kind: MsgOpponent, Round: n, Move: other}); err != nil {
		return NoMove, err
	}
	if !o.pending.Committed() {
		return o.pending.Move, nil
	}
	line, err := o.read(n)
	if err != nil {
		return NoMove, err
	}
	msg, perr := ParseMessage(line)
	if perr != nil || msg.Kind != MsgReveal || msg.Round != n {
		return NoMove, o.fail(n, ErrMalformed, fmt.Sprintf("want \"reveal %d <move> <nonce>\", got %q", n, line))
	}
	if got := Commitment(msg.Move, msg.Nonce); got != o.pending.Commitment {
		return NoMove, o.fail(n, ErrCommitMismatch, fmt.Sprintf("committed %s, revealed %q, which hashes to %s",
			o.pending.Commitment, line, got))
	}
	return msg.Move, nil
}

// Close ends the opponent: it sends "quit", gives the process up to the quit
// grace (OpponentOptions.QuitGrace) to exit by itself, then kills it (and its
// process group) and reaps it; every goroutine of the Opponent has ended
// when Close returns. It
// returns an error only if the process misbehaved while quitting (it exited
// with a failure status). Close may be called more than once.
func (o *Opponent) Close() error {
	if o.closed {
		return nil
	}
	o.closed = true
	if o.err != nil {
		return nil // already shut down
	}
	_ = o.stdin.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
	_, werr := o.stdin.Write([]byte("quit\n"))
	o.stdin.Close()
	t := time.NewTimer(o.grace)
	defer t.Stop()
	exitedByItself := false
	if werr == nil {
		select {
		case <-o.exited:
			exitedByItself = true
		case <-t.C:
		}
	}
	o.shutdown()
	if exitedByItself && o.state != nil && !o.state.Success() {
		return &OpponentError{Err: ErrOpponentExited, Detail: "after quit", Exit: o.state.String(), Stderr: o.stderr.tail()}
	}
	return nil
}

// send writes one protocol line.
func (o *Opponent) send(n int, msg Message) error {
	_ = o.stdin.SetWriteDeadline(time.Now().Add(o.timeout))
	if _, err := o.stdin.Write([]byte(msg.String() + "\n")); err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return o.fail(n, ErrTimeout, fmt.Sprintf("it did not read %q within %v", msg.String(), o.timeout))
		}
		return o.fail(n, ErrOpponentExited, fmt.Sprintf("writing %q: %v", msg.String(), err))
	}
	return nil
}

// read waits for one line.
func (o *Opponent) read(n int) (string, error) {
	t := time.NewTimer(o.timeout)
	defer t.Stop()
	select {
	case l, ok := <-o.lines:
		if (!ok || l.err != nil) && o.ctx.Err() != nil {
			// The context's cancellation killed the process: report that,
			// not the end of output it caused.
			o.shutdown()
			o.err = fmt.Errorf("round %d: opponent: %w", n, o.ctx.Err())
			return "", o.err
		}
		if !ok || l.err != nil {
			detail := "end of its output"
			if ok && !errors.Is(l.err, io.EOF) {
				detail = "reading its output: " + l.err.Error()
			}
			return "", o.fail(n, ErrOpponentExited, detail)
		}
		if l.trailing {
			return "", o.fail(n, ErrMalformed, fmt.Sprintf("unsolicited output after the answer %q", l.text))
		}
		return l.text, nil
	case <-t.C:
		select {
		case <-o.exited:
			return "", o.fail(n, ErrOpponentExited, "no answer, and the process is gone")
		default:
		}
		return "", o.fail(n, ErrTimeout, fmt.Sprintf("no answer within %v", o.timeout))
	case <-o.ctx.Done():
		o.shutdown()
		o.err = fmt.Errorf("round %d: opponent: %w", n, o.ctx.Err())
		return "", o.err
	}
}

// fail shuts the opponent down and records the error, with the exit status
// and stderr tail when the process is gone.
func (o *Opponent) fail(n int, sentinel error, detail string) error {
	if sentinel == ErrOpponentExited {
		// Give a process that is exiting by itself a moment, so that its
		// own exit status is reported rather than our kill.
		t := time.NewTimer(min(o.timeout, time.Second))
		select {
		case <-o.exited:
		case <-t.C:
		}
		t.Stop()
	}
	o.shutdown()
	e := &OpponentError{Round: n, Err: sentinel, Detail: detail, Stderr: o.stderr.tail()}
	if sentinel == ErrOpponentExited && o.state != nil {
		e.Exit = o.state.String()
	}
	o.err = e
	return e
}

// kill signals the process (group). Safe to call more than once and from
// other goroutines.
func (o *Opponent) kill() {
	if o.ownPG {
		killGroup(o.pid)
	}
	_ = o.cmd.Process.Kill()
}

// shutdown kills the process, reaps it and stops the reader goroutine.
func (o *Opponent) shutdown() {
	select {
	case <-o.done:
		return
	default:
	}
	close(o.done)
	o.kill()
	<-o.exited
	o.stdin.Close()
	o.stdout.Close() // unblocks the reader if a grandchild holds the pipe
	o.wg.Wait()
}

// tailBuffer keeps the last bytes written to it. It is safe for concurrent
// use (the exec package copies stderr on its own goroutine).
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
}

const tailMax = 512

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > tailMax {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-tailMax:]...)
	}
	return len(p), nil
}

// tail returns the kept text, trimmed of surrounding white space.
func (t *tailBuffer) tail() string {
	if t == nil {
		return ""
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	s := string(t.buf)
	for len(s) > 0 && (s[len(s)-1] == '\n' || s[len(s)-1] == ' ' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	return s
}
