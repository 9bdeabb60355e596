package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/term"

	"github.com/roshambo-game/roshambo/bpf/event"
	"github.com/roshambo-game/roshambo/bpf/spy"
	"github.com/roshambo-game/roshambo/internal/cli"
)

const prog = "roshambo-spy"

// Exit codes.
const (
	exitOK    = cli.ExitOK
	exitFail  = 1
	exitUsage = cli.ExitUsage // bad usage or missing privileges
)

// Bounds of the flags' values.
const (
	maxPID      = 1 << 22 // PID_MAX_LIMIT: pid_max is never larger
	minRingSize = 4 << 10
	maxRingSize = 1 << 30
)

func usage(w io.Writer) {
	fs, _ := newFlagSet()
	fmt.Fprint(w, `usage: roshambo-spy [flags] --pid PID [--pid PID ...]
       roshambo-spy [flags] --comm NAME
       roshambo-spy [flags] --inode FILE
       roshambo-spy [flags] -- CMD [ARGS...]

Reveals the moves (rock, paper, scissors, commitments) that target processes
write, line by line, as the game reads them. The targets may be combined. It
exits when every target has exited, or on Ctrl-C or SIGTERM, and prints a
summary on stderr. Needs CAP_BPF and CAP_PERFMON: run it as root (sudo).
Exit codes: 0 done, 1 failure, 2 bad usage or missing privileges.

flags:
`)
	cli.WriteFlags(w, fs)
}

// pidList is --pid, repeatable.
type pidList []int

func (p *pidList) String() string {
	if p == nil || len(*p) == 0 {
		return ""
	}
	return fmt.Sprint([]int(*p))
}

func (p *pidList) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxPID {
		return fmt.Errorf("must be a process id from 1 to %d", maxPID)
	}
	*p = append(*p, n)
	return nil
}

// sizeFlag is --ringbuf: a power of two, in bytes or with a K/M suffix.
type sizeFlag struct{ n *int }

func (f sizeFlag) String() string {
	if f.n == nil {
		return ""
	}
	if *f.n%(1<<20) == 0 {
		return strconv.Itoa(*f.n>>20) + "M"
	}
	return strconv.Itoa(*f.n)
}

func (f sizeFlag) Set(s string) error {
	n, err := parseSize(s)
	if err != nil || n < minRingSize || n > maxRingSize || n&(n-1) != 0 {
		return errors.New("must be a power of two from 4K to 1024M (bytes, or with a K or M suffix)")
	}
	*f.n = n
	return nil
}

// wakeupFlag is --wakeup.
type wakeupFlag struct{ w *spy.Wakeup }

var wakeupNames = []string{"adaptive", "always", "parked"}

func (f wakeupFlag) String() string {
	if f.w == nil || int(*f.w) >= len(wakeupNames) {
		return ""
	}
	return wakeupNames[*f.w]
}

func (f wakeupFlag) Set(s string) error {
	i := slices.Index(wakeupNames, s)
	if i < 0 {
		return errors.New("must be adaptive, parked or always")
	}
	*f.w = spy.Wakeup(i)
	return nil
}

// config is the parsed command line.
type config struct {
	pids     pidList
	comm     string
	inodes   []string
	json     bool
	all      bool
	ringSize int
	copy     int
	noFollow bool
	wakeup   spy.Wakeup
	output   string
	command  []string
}

// parseSize reads "262144", "256K", "256KiB", "1M".
func parseSize(s string) (int, error) {
	t := strings.TrimSuffix(strings.TrimSuffix(strings.ToUpper(s), "IB"), "B")
	mult := 1
	switch {
	case strings.HasSuffix(t, "K"):
		mult, t = 1<<10, t[:len(t)-1]
	case strings.HasSuffix(t, "M"):
		mult, t = 1<<20, t[:len(t)-1]
	}
	n, err := strconv.Atoi(t)
	if err != nil || n <= 0 || n > maxRingSize/mult {
		return 0, fmt.Errorf("not a size: %q", s)
	}
	return n * mult, nil
}

func newFlagSet() (*flag.FlagSet, *config) {
	c := &config{ringSize: spy.DefaultRingSize, copy: spy.DefaultCopyBytes, wakeup: spy.WakeupAdaptive}
	fs := flag.NewFlagSet(prog, flag.ContinueOnError)
	fs.Var(&c.pids, "pid", "follow the running process `PID` and its children (repeatable; a thread id stands for its process)")
	fs.Func("comm", "follow every process named `NAME` (at most 15 bytes), now or later, and its children", func(v string) error {
		if v == "" || len(v) > spy.MaxCommLen {
			return fmt.Errorf("must be a process name of 1 to %d bytes (the kernel keeps no more)", spy.MaxCommLen)
		}
		c.comm = v
		return nil
	})
	fs.Func("inode", "report every write into `FILE` (by inode), whoever writes it, e.g. /proc/PID/fd/1 (repeatable)", func(v string) error {
		if v == "" {
			return errors.New("must name a file")
		}
		c.inodes = append(c.inodes, v)
		return nil
	})
	fs.BoolVar(&c.json, "json", false, "print JSON lines instead of text")
	fs.BoolVar(&c.all, "all", false, "print every line the targets write (and forks, exits, follows), not only moves")
	fs.Var(sizeFlag{&c.ringSize}, "ringbuf", "ring buffer `SIZE`: a power of two from 4K to 1024M, bytes or with a K/M suffix")
	fs.Var(cli.IntRange{V: &c.copy, Min: 1, Max: spy.MaxCopyBytes}, "copy", "`BYTES` copied from each write, 1 to 4096; a longer write is reported\n"+
		"truncated, with its true length (the default is a whole protocol line)")
	fs.BoolVar(&c.noFollow, "no-follow", false, "do not follow the children of targets")
	fs.Var(wakeupFlag{&c.wakeup}, "wakeup", "ring buffer wake-up `POLICY`: adaptive, parked (fewer wake-ups at high write rates) or always")
	fs.StringVar(&c.output, "o", "", "write the report to `FILE` instead of stdout")
	return fs, c
}

// parseArgs parses the command line. --help and --version are answered on
// stdout and a mistake in one line on stderr; then done is true and code is
// the exit code.
func parseArgs(args []string, stdout, stderr io.Writer) (c *config, done bool, code int) {
	fs, c := newFlagSet()
	if p := cli.Parse(fs, prog, args, stdout, stderr, usage); p.Exit {
		return nil, true, p.Code
	}
	c.command = fs.Args()
	if len(c.command) > 0 && !slices.Contains(args, "--") {
		return nil, true, cli.Fail(stderr, prog, "unexpected argument %q (put the command to launch after --)", c.command[0])
	}
	if len(c.pids) == 0 && c.comm == "" && len(c.inodes) == 0 && len(c.command) == 0 {
		return nil, true, cli.Fail(stderr, prog, "nothing to follow: give --pid, --comm, --inode or -- CMD")
	}
	return c, false, 0
}

func run(args []string, stdout, stderr io.Writer) int {
	c, done, code := parseArgs(args, stdout, stderr)
	if done {
		return code
	}
	out := stdout
	if c.output != "" {
		f, err := os.Create(c.output)
		if err != nil {
			return fail(stderr, "-o: %v", err)
		}
		defer f.Close()
		out = f
	}
	s, err := spy.Open(spy.Options{RingSize: c.ringSize, CopyBytes: c.copy, Comm: c.comm,
		NoFollowForks: c.noFollow, Wakeup: c.wakeup})
	switch {
	case errors.Is(err, spy.ErrNoPrivilege), errors.Is(err, spy.ErrInvalidOptions),
		errors.Is(err, spy.ErrUnsupportedPlatform):
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return exitUsage
	case err != nil:
		return fail(stderr, "%v", err)
	}
	defer s.Close()
	defer stopOnSignal(s)()
	following, err := follow(s, c, stderr)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	events, moves, err := report(s, c, out, following)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	return summarize(s, events, moves, stderr)
}

// fail reports a failure in one line and returns exitFail.
func fail(stderr io.Writer, format string, args ...any) int {
	fmt.Fprintf(stderr, "%s: %s\n", prog, fmt.Sprintf(format, args...))
	return exitFail
}

// stopOnSignal stops the spy on Ctrl-C and SIGTERM (what was recorded is
// still reported, then the summary) until the function it returns is
// called.
func stopOnSignal(s *spy.Spy) (release func()) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		if _, ok := <-sigs; ok {
			s.Stop()
		}
	}()
	return func() {
		signal.Stop(sigs)
		close(sigs)
	}
}

// follow adds the targets of c (PIDs, files, the command to launch, which
// it starts) and says so on stderr. It returns how many processes it
// follows; a PID that exited before it could be followed is not an error.
func follow(s *spy.Spy, c *config, stderr io.Writer) (int, error) {
	following := 0
	for _, pid := range c.pids {
		err := s.AddTarget(pid)
		switch {
		case errors.Is(err, spy.ErrTargetExited):
			fmt.Fprintf(stderr, "%s: pid %d exited before it could be followed\n", prog, pid)
			continue
		case err != nil:
			return 0, err // it names the pid
		}
		following++
		if tgid, err := spy.ProcessOf(pid); err == nil && tgid != pid {
			fmt.Fprintf(stderr, "%s: %d is a thread of process %d: following pid %d (%s) and its children\n",
				prog, pid, tgid, tgid, procComm(tgid))
		} else {
			fmt.Fprintf(stderr, "%s: following pid %d (%s) and its children\n", prog, pid, procComm(pid))
		}
	}
	for _, f := range c.inodes {
		if err := s.WatchPath(f); err != nil {
			return 0, err
		}
		fmt.Fprintf(stderr, "%s: watching every write into %s\n", prog, f)
	}
	if len(c.command) > 0 {
		cmd := exec.Command(c.command[0], c.command[1:]...)
		cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
		if err := s.Launch(cmd); err != nil {
			return 0, err
		}
		following++
		fmt.Fprintf(stderr, "%s: following %s (pid %d) and its children\n", prog, c.command[0], cmd.Process.Pid)
		go cmd.Wait() // reap it; its exit reaches the spy through the kernel
	}
	if c.comm != "" {
		fmt.Fprintf(stderr, "%s: following processes named %q\n", prog, c.comm)
	}
	return following, nil
}

// report prints the targets' moves (or every line, with --all) until every
// target has exited or the spy is stopped, and returns the write events
// and moves seen. With nothing to follow (every PID had exited) it reports
// nothing.
func report(s *spy.Spy, c *config, out io.Writer, following int) (events, moves uint64, err error) {
	p := newPrinter(out, c.json, c.all, useColor(out))
	if following > 0 || c.comm != "" || len(c.inodes) > 0 {
		var ev event.Event
		for {
			if err = s.Read(&ev); err != nil {
				break
			}
			if ev.Kind == event.KindWrite {
				events++
			}
			moves += uint64(p.print(&ev))
		}
	}
	if err != nil && !errors.Is(err, spy.ErrTargetsExited) && !errors.Is(err, spy.ErrStopped) {
		return events, moves, err
	}
	last, err := p.flush()
	moves += uint64(last)
	if err != nil {
		return events, moves, fmt.Errorf("write report: %w", err)
	}
	return events, moves, nil
}

// summarize prints the summary line (and a warning when events were lost)
// on stderr and returns the exit code.
func summarize(s *spy.Spy, events, moves uint64, stderr io.Writer) int {
	dropped, err := s.Dropped()
	if err != nil {
		return fail(stderr, "%v", err)
	}
	fmt.Fprintf(stderr, "%s: %d events, %d moves, %d dropped\n", prog, events, moves, dropped)
	if dropped > 0 {
		fmt.Fprintf(stderr, "%s: events were lost: the ring buffer was full (try a larger --ringbuf)\n", prog)
	}
	return exitOK
}

// procComm returns a process's name from /proc, or "?".
func procComm(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm")
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(b))
}

// useColor reports whether w is a terminal and NO_COLOR is unset or empty.
func useColor(w io.Writer) bool {
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
