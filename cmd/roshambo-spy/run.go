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
)

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2 // bad usage or missing privileges
)

const usageText = `usage: roshambo-spy [flags] --pid PID [--pid PID ...]
       roshambo-spy [flags] --comm NAME
       roshambo-spy [flags] --inode FILE
       roshambo-spy [flags] -- CMD [ARGS...]

Reveals the moves (rock, paper, scissors, commitments) that target processes
write, line by line, as the game reads them. Needs CAP_BPF and CAP_PERFMON:
run it as root (sudo).

flags:
`

type pidList []int

func (p *pidList) String() string { return fmt.Sprint([]int(*p)) }

func (p *pidList) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return fmt.Errorf("not a process id: %q", s)
	}
	*p = append(*p, n)
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
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("not a size: %q", s)
	}
	return n * mult, nil
}

func parseArgs(args []string, stderr io.Writer) (*config, error) {
	c := &config{}
	fs := flag.NewFlagSet("roshambo-spy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageText)
		fs.PrintDefaults()
	}
	fs.Var(&c.pids, "pid", "follow running process `PID` (repeatable)")
	fs.StringVar(&c.comm, "comm", "", "follow every process that bears the name `NAME` (at most 15 bytes), now or later, and its children")
	fs.Func("inode", "report every write into `FILE` (by inode), whoever writes it, e.g. /proc/PID/fd/1 (repeatable)", func(v string) error {
		if v == "" {
			return errors.New("empty file name")
		}
		c.inodes = append(c.inodes, v)
		return nil
	})
	fs.BoolVar(&c.json, "json", false, "print JSON lines")
	fs.BoolVar(&c.all, "all", false, "print every line the targets write (and forks, exits, follows), not only moves")
	ring := fs.String("ringbuf", strconv.Itoa(spy.DefaultRingSize>>20)+"M", "ring buffer `SIZE`: a power of two, bytes or with a K/M suffix")
	fs.IntVar(&c.copy, "copy", spy.DefaultCopyBytes, "`BYTES` copied from each write (1 to 4096; the default covers a whole protocol line)")
	fs.BoolVar(&c.noFollow, "no-follow", false, "do not follow the children of targets")
	wake := fs.String("wakeup", "adaptive", "ring buffer wake-up `POLICY`: adaptive, parked (fewer wake-ups at high write rates) or always")
	fs.StringVar(&c.output, "o", "", "write the report to `FILE` instead of stdout")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	c.command = fs.Args()
	if len(c.command) > 0 && !slices.Contains(args, "--") {
		return nil, fmt.Errorf("unexpected argument %q (put the command to launch after --)", c.command[0])
	}
	var err error
	if c.ringSize, err = parseSize(*ring); err != nil {
		return nil, fmt.Errorf("--ringbuf: %w", err)
	}
	policies := map[string]spy.Wakeup{"adaptive": spy.WakeupAdaptive, "parked": spy.WakeupParked, "always": spy.WakeupAlways}
	var ok bool
	if c.wakeup, ok = policies[*wake]; !ok {
		return nil, fmt.Errorf("--wakeup: unknown policy %q (adaptive, parked or always)", *wake)
	}
	if len(c.pids) == 0 && c.comm == "" && len(c.inodes) == 0 && len(c.command) == 0 {
		return nil, errors.New("nothing to follow: give --pid, --comm, --inode or -- CMD")
	}
	return c, nil
}

func run(args []string, stdout, stderr io.Writer) int {
	c, err := parseArgs(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "roshambo-spy: %v\n", err)
		fmt.Fprintln(stderr, "run 'roshambo-spy -h' for usage")
		return exitUsage
	}

	out := stdout
	if c.output != "" {
		f, err := os.Create(c.output)
		if err != nil {
			fmt.Fprintf(stderr, "roshambo-spy: %v\n", err)
			return exitFail
		}
		defer f.Close()
		out = f
	}

	s, err := spy.Open(spy.Options{RingSize: c.ringSize, CopyBytes: c.copy, Comm: c.comm,
		NoFollowForks: c.noFollow, Wakeup: c.wakeup})
	switch {
	case errors.Is(err, spy.ErrNoPrivilege), errors.Is(err, spy.ErrInvalidOptions),
		errors.Is(err, spy.ErrUnsupportedPlatform):
		fmt.Fprintf(stderr, "roshambo-spy: %v\n", err)
		return exitUsage
	case err != nil:
		fmt.Fprintf(stderr, "roshambo-spy: %v\n", err)
		return exitFail
	}
	defer s.Close()

	// Stop cleanly on Ctrl-C and SIGTERM: report what was recorded, then the summary.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	go func() {
		if _, ok := <-sigs; ok {
			s.Stop()
		}
	}()

	following := 0
	for _, pid := range c.pids {
		err := s.AddTarget(pid)
		switch {
		case errors.Is(err, spy.ErrTargetExited):
			fmt.Fprintf(stderr, "roshambo-spy: pid %d exited before it could be followed\n", pid)
		case err != nil:
			fmt.Fprintf(stderr, "roshambo-spy: pid %d: %v\n", pid, err)
			return exitFail
		default:
			following++
			if tgid, err := spy.ProcessOf(pid); err == nil && tgid != pid {
				fmt.Fprintf(stderr, "roshambo-spy: %d is a thread of process %d: following pid %d (%s) and its children\n",
					pid, tgid, tgid, procComm(tgid))
			} else {
				fmt.Fprintf(stderr, "roshambo-spy: following pid %d (%s) and its children\n", pid, procComm(pid))
			}
		}
	}
	for _, f := range c.inodes {
		if err := s.WatchPath(f); err != nil {
			fmt.Fprintf(stderr, "roshambo-spy: %v\n", err)
			return exitFail
		}
		fmt.Fprintf(stderr, "roshambo-spy: watching every write into %s\n", f)
	}
	var cmd *exec.Cmd
	if len(c.command) > 0 {
		cmd = exec.Command(c.command[0], c.command[1:]...)
		cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
		if err := s.Launch(cmd); err != nil {
			fmt.Fprintf(stderr, "roshambo-spy: %v\n", err)
			return exitFail
		}
		following++
		fmt.Fprintf(stderr, "roshambo-spy: following %s (pid %d) and its children\n", c.command[0], cmd.Process.Pid)
		go cmd.Wait() // reap it; its exit reaches us through the kernel
	}
	if c.comm != "" {
		fmt.Fprintf(stderr, "roshambo-spy: following processes named %q\n", c.comm)
	}

	p := newPrinter(out, c.json, c.all, useColor(out))
	var ev event.Event
	var events, moves uint64
	if following > 0 || c.comm != "" || len(c.inodes) > 0 {
		for {
			err = s.Read(&ev)
			if err != nil {
				break
			}
			if ev.Kind == event.KindWrite {
				events++
			}
			moves += uint64(p.print(&ev))
		}
	}
	if err != nil && !errors.Is(err, spy.ErrTargetsExited) && !errors.Is(err, spy.ErrStopped) {
		fmt.Fprintf(stderr, "roshambo-spy: %v\n", err)
		return exitFail
	}
	last, err := p.flush()
	moves += uint64(last)
	if err != nil {
		fmt.Fprintf(stderr, "roshambo-spy: write report: %v\n", err)
		return exitFail
	}
	dropped, derr := s.Dropped()
	if derr != nil {
		fmt.Fprintf(stderr, "roshambo-spy: %v\n", derr)
		return exitFail
	}
	fmt.Fprintf(stderr, "roshambo-spy: %d events, %d moves, %d dropped\n", events, moves, dropped)
	if dropped > 0 {
		fmt.Fprintf(stderr, "roshambo-spy: events were lost: the ring buffer was full (try a larger --ringbuf)\n")
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
