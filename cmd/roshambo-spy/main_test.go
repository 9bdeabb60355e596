package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/roshambo-game/roshambo/bpf/spy"
	"github.com/roshambo-game/roshambo/internal/testutil"
)

// The test binary doubles as roshambo-spy (the role "main") and as a target
// process (the role "target"; see testutil.RoleEnv).
func TestMain(m *testing.M) {
	testutil.Main(m, map[string]testutil.Role{
		"main":   func(string) int { return run(os.Args[1:], os.Stdout, os.Stderr) },
		"target": func(string) int { return target() },
	})
}

// target waits for a line on stdin, writes a move, a non-move and a
// commitment, then exits.
func target() int {
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		return 1
	}
	for _, s := range []string{"rock\n", "hello\n", "commit " + rockABC + "\n"} {
		if _, err := unix.Write(1, []byte(s)); err != nil {
			return 1
		}
	}
	return 0
}

// spyCmd returns the test binary run as roshambo-spy with args.
func spyCmd(args ...string) *exec.Cmd {
	return testutil.Command("main", "", args...)
}

// requireRoot skips privileged tests with the reason.
func requireRoot(t *testing.T) {
	t.Helper()
	if err := spy.CheckPrivileges(); err != nil {
		t.Skipf("skipping: %v", err)
	}
	if _, err := os.Stat("/sys/kernel/btf/vmlinux"); err != nil {
		t.Skipf("skipping: kernel BTF is missing: %v", err)
	}
}

func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// TestCLI: the conventions of internal/cli: --help and --version on stdout
// with exit 0, every mistake in one line on stderr with exit 2, each value
// checked against its range before any privilege is needed.
func TestCLI(t *testing.T) {
	tests := []struct {
		args   []string
		code   int
		stdout string // in stdout
		stderr string // the one line on stderr, in part
	}{
		{[]string{"--help"}, exitOK, "usage: roshambo-spy [flags] --pid PID", ""},
		{[]string{"-h"}, exitOK, "  --copy BYTES", ""},
		{[]string{"--version"}, exitOK, "roshambo-spy ", ""},
		{nil, exitUsage, "", "roshambo-spy: nothing to follow: give --pid, --comm, --inode or -- CMD (see roshambo-spy --help)"},
		{[]string{"--bogus"}, exitUsage, "", "roshambo-spy: unknown flag --bogus (see roshambo-spy --help)"},
		{[]string{"--inode", ""}, exitUsage, "", `--inode "": must name a file`},
		{[]string{"--pid", "abc"}, exitUsage, "", "--pid abc: must be a process id from 1 to 4194304"},
		{[]string{"--pid", "0"}, exitUsage, "", "--pid 0: must be a process id from 1 to 4194304"},
		{[]string{"--pid", "4194305"}, exitUsage, "", "--pid 4194305: must be a process id from 1 to 4194304"},
		{[]string{"--pid", "1", "extra"}, exitUsage, "", `unexpected argument "extra" (put the command to launch after --)`},
		{[]string{"--pid", "1", "--copy", "0"}, exitUsage, "", "--copy 0: must be a whole number from 1 to 4096"},
		{[]string{"--pid", "1", "--copy", "4097"}, exitUsage, "", "--copy 4097: must be a whole number from 1 to 4096"},
		{[]string{"--pid", "1", "--ringbuf", "lots"}, exitUsage, "", "--ringbuf lots: must be a power of two from 4K to 1024M"},
		{[]string{"--pid", "1", "--ringbuf", "3000"}, exitUsage, "", "--ringbuf 3000: must be a power of two"},
		{[]string{"--pid", "1", "--ringbuf", "2K"}, exitUsage, "", "--ringbuf 2K: must be a power of two from 4K"},
		{[]string{"--pid", "1", "--ringbuf", "2048M"}, exitUsage, "", "--ringbuf 2048M: must be a power of two from 4K to 1024M"},
		{[]string{"--comm", "a-name-longer-than-15"}, exitUsage, "", "--comm a-name-longer-than-15: must be a process name of 1 to 15 bytes"},
		{[]string{"--comm", ""}, exitUsage, "", `--comm "": must be a process name of 1 to 15 bytes`},
		{[]string{"--pid", "1", "--wakeup", "sometimes"}, exitUsage, "", "--wakeup sometimes: must be adaptive, parked or always"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tt.args, &stdout, &stderr)
			lines := strings.Count(stderr.String(), "\n")
			if code != tt.code || !strings.Contains(stdout.String(), tt.stdout) || !strings.Contains(stderr.String(), tt.stderr) ||
				(tt.code == exitOK) != (stderr.Len() == 0) || lines > 1 || tt.code != exitOK && stdout.Len() > 0 {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit %d, stdout with %q, one line on stderr with %q",
					code, stdout.String(), stderr.String(), tt.code, tt.stdout, tt.stderr)
			}
		})
	}
}

// TestValues: the values given reach the spy's options.
func TestValues(t *testing.T) {
	c, done, code := parseArgs([]string{"--pid", "7", "--pid", "9", "--ringbuf", "256K", "--copy", "64", "--wakeup", "parked", "--comm", "bot", "--", "cat", "-n"}, io.Discard, io.Discard)
	if done || code != 0 {
		t.Fatalf("parseArgs: done %v, code %d", done, code)
	}
	if fmt.Sprint(c.pids) != "[7 9]" || c.ringSize != 256<<10 || c.copy != 64 || c.wakeup != spy.WakeupParked ||
		c.comm != "bot" || strings.Join(c.command, " ") != "cat -n" {
		t.Errorf("config %+v", c)
	}
	c, _, _ = parseArgs([]string{"--pid", "1"}, io.Discard, io.Discard)
	if c.ringSize != spy.DefaultRingSize || c.copy != spy.DefaultCopyBytes || c.wakeup != spy.WakeupAdaptive {
		t.Errorf("defaults %+v", c)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int{"4096": 4096, "256K": 256 << 10, "256KiB": 256 << 10, "1M": 1 << 20, "2mb": 2 << 20} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "K", "-1", "1G", "x"} {
		if _, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) succeeded", in)
		}
	}
}

// TestUnprivileged runs roshambo-spy as nobody: exit code 2 and a message
// naming the missing capabilities.
func TestUnprivileged(t *testing.T) {
	var cmd *exec.Cmd
	if os.Geteuid() == 0 {
		dir, err := os.MkdirTemp("", "spycmd")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(dir)
		os.Chmod(dir, 0o755)
		bin := filepath.Join(dir, "roshambo-spy.test")
		b, err := os.ReadFile(os.Args[0])
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(bin, b, 0o755); err != nil {
			t.Fatal(err)
		}
		cmd = exec.Command(bin, "--pid", "1")
		cmd.Env = testutil.Environ("main", "")
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	} else {
		cmd = spyCmd("--pid", "1")
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if code := exitCode(err); code != exitUsage {
		t.Fatalf("exit code %d (%v), want %d; stderr %q", code, err, exitUsage, stderr.String())
	}
	msg := stderr.String()
	for _, w := range []string{"CAP_BPF", "CAP_PERFMON", "root"} {
		if !strings.Contains(msg, w) {
			t.Errorf("stderr %q does not name %s", msg, w)
		}
	}
	if strings.Contains(msg, "MEMLOCK") {
		t.Errorf("stderr %q mentions MEMLOCK", msg)
	}
}

func TestNoSuchPID(t *testing.T) {
	requireRoot(t)
	var stdout, stderr bytes.Buffer
	// PIDs are below pid_max, which is at most 4194304: pid_max itself is
	// a process id that --pid accepts and that never exists.
	b, err := os.ReadFile("/proc/sys/kernel/pid_max")
	if err != nil {
		t.Fatal(err)
	}
	if code := run([]string{"--pid", strings.TrimSpace(string(b))}, &stdout, &stderr); code != exitFail {
		t.Fatalf("exit code %d, want %d; stderr %q", code, exitFail, stderr.String())
	}
	if !strings.Contains(stderr.String(), "no such process") {
		t.Fatalf("stderr %q", stderr.String())
	}
}

// waitLine reads r until a line containing want, or fails after 20 s.
func waitLine(t *testing.T, lines <-chan string, want string) {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("output ended before a line with %q", want)
			}
			if strings.Contains(l, want) {
				return
			}
		case <-timeout:
			t.Fatalf("no line with %q after 20 s", want)
		}
	}
}

func lineChan(r io.Reader) <-chan string {
	ch := make(chan string, 100)
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			ch <- sc.Text()
		}
	}()
	return ch
}

// TestPID follows a running process by PID, prints its moves as text, and
// exits 0 with the summary when the target exits.
func TestPID(t *testing.T) {
	requireRoot(t)
	tgt := exec.Command(os.Args[0])
	tgt.Env = testutil.Environ("target", "")
	goAhead, err := tgt.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := tgt.Start(); err != nil {
		t.Fatal(err)
	}
	defer tgt.Wait()

	spy := spyCmd("--pid", fmt.Sprint(tgt.Process.Pid))
	var stdout bytes.Buffer
	spy.Stdout = &stdout
	stderrR, err := spy.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := spy.Start(); err != nil {
		t.Fatal(err)
	}
	lines := lineChan(stderrR)
	waitLine(t, lines, "following pid")
	io.WriteString(goAhead, "go\n")
	var rest []string
	for l := range lines {
		rest = append(rest, l)
	}
	if err := spy.Wait(); err != nil {
		t.Fatalf("roshambo-spy: %v; stderr %q", err, rest)
	}
	if tgt.Wait() != nil {
		t.Fatal("target failed")
	}
	out := stdout.String()
	got := strings.Split(strings.TrimSpace(out), "\n")
	if len(got) != 2 || !strings.Contains(got[0], "ROCK") || !strings.Contains(got[1], "COMMIT (move hidden)") {
		t.Fatalf("report:\n%s\nwant a ROCK line and a COMMIT line", out)
	}
	for _, l := range got {
		if !strings.Contains(l, fmt.Sprintf("pid %d/", tgt.Process.Pid)) || strings.Contains(l, "\x1b[") {
			t.Errorf("line %q: want the target's pid and no colour (not a tty)", l)
		}
	}
	if summary := strings.Join(rest, "\n"); !strings.Contains(summary, "3 events, 2 moves, 0 dropped") {
		t.Fatalf("summary %q", summary)
	}
}

// TestSignal stops roshambo-spy with SIGTERM: exit 0 and the summary.
func TestSignal(t *testing.T) {
	requireRoot(t)
	spy := spyCmd("--comm", "no-such-comm")
	stderrR, err := spy.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := spy.Start(); err != nil {
		t.Fatal(err)
	}
	lines := lineChan(stderrR)
	waitLine(t, lines, "following processes named")
	spy.Process.Signal(syscall.SIGTERM)
	waitLine(t, lines, "0 events, 0 moves, 0 dropped")
	for range lines {
	}
	if err := spy.Wait(); err != nil {
		t.Fatalf("roshambo-spy after SIGTERM: %v", err)
	}
}

// buildBot builds cmd/roshambo-bot, or skips if it does not exist yet.
func buildBot(t *testing.T) string {
	t.Helper()
	src, err := filepath.Abs("../roshambo-bot")
	if err != nil {
		t.Fatal(err)
	}
	if m, _ := filepath.Glob(filepath.Join(src, "*.go")); len(m) == 0 {
		t.Skipf("skipping: %s has no Go files", src)
	}
	bin := filepath.Join(t.TempDir(), "roshambo-bot")
	out, err := exec.Command("go", "build", "-o", bin, src).CombinedOutput()
	if err != nil {
		t.Fatalf("go build roshambo-bot: %v\n%s", err, out)
	}
	return bin
}

type reportLine struct {
	Event      string `json:"event"`
	PID        uint32 `json:"pid"`
	Comm       string `json:"comm"`
	Syscall    string `json:"syscall"`
	Data       string `json:"data"`
	Move       string `json:"move"`
	Commitment string `json:"commitment"`
	Revealed   string `json:"revealed"`
	Truncated  bool   `json:"truncated"`
	Changed    bool   `json:"changed"`
}

// playBot runs "roshambo-spy --json -o report -- bot args..." and plays
// rounds over the opponent protocol; it returns the bot's answers and the
// spy's report.
func playBot(t *testing.T, spyArgs []string, bot string, rounds int, botArgs ...string) (answers []string, report []reportLine) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "report.jsonl")
	args := append(append([]string{"--json", "-o", out}, spyArgs...), "--", bot)
	spy := spyCmd(append(args, botArgs...)...)
	stdin, err := spy.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdoutR, err := spy.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	spy.Stderr = &stderr
	if err := spy.Start(); err != nil {
		t.Fatal(err)
	}
	lines := lineChan(stdoutR)
	next := func() string {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("bot output ended; stderr %q", stderr.String())
			}
			return l
		case <-time.After(20 * time.Second):
			t.Fatalf("bot did not answer; stderr %q", stderr.String())
		}
		return ""
	}
	opp := []string{"rock", "paper", "scissors"}
	for n := 1; n <= rounds; n++ {
		fmt.Fprintf(stdin, "round %d\n", n)
		a := next()
		answers = append(answers, a)
		fmt.Fprintf(stdin, "opponent %d %s\n", n, opp[n%3])
		if strings.HasPrefix(a, "commit ") {
			answers = append(answers, next()) // the reveal
		}
	}
	io.WriteString(stdin, "quit\n")
	stdin.Close()
	for range lines {
	}
	if err := spy.Wait(); err != nil {
		t.Fatalf("roshambo-spy: %v; stderr %q", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "0 dropped") {
		t.Errorf("summary: %q", stderr.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var r reportLine
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("report line %q: %v", l, err)
		}
		report = append(report, r)
	}
	return answers, report
}

// TestBot spies on roshambo-bot in a short match: every move it answers
// is reported, in order, under the default and the parked wake-up policy.
func TestBot(t *testing.T) {
	requireRoot(t)
	bot := buildBot(t)
	for _, args := range [][]string{nil, {"--wakeup", "parked"}} {
		t.Run(fmt.Sprint(args), func(t *testing.T) {
			answers, report := playBot(t, args, bot, 6)
			var moves []string
			for _, r := range report {
				if r.Event == "write" && r.Move != "" {
					moves = append(moves, r.Move)
					if strings.TrimSpace(r.Data) != r.Move {
						t.Errorf("report data %q, move %q", r.Data, r.Move)
					}
				}
			}
			if strings.Join(moves, " ") != strings.Join(answers, " ") {
				t.Fatalf("spy reported %v, bot answered %v", moves, answers)
			}
		})
	}
}

// TestBotCommit spies on roshambo-bot in commit mode: each commitment is
// reported with the move hidden (the default copy bound holds the whole
// 72-byte line), then the reveal shows the move.
func TestBotCommit(t *testing.T) {
	requireRoot(t)
	bot := buildBot(t)
	answers, report := playBot(t, nil, bot, 4, "--commit")
	var got []string
	for _, r := range report {
		switch {
		case r.Event != "write":
		case r.Move == "commit":
			if r.Truncated || len(r.Commitment) != 64 {
				t.Errorf("commitment %q, truncated %v", r.Commitment, r.Truncated)
			}
			got = append(got, "commit "+r.Commitment)
		case r.Revealed != "":
			got = append(got, strings.TrimSpace(r.Data))
			if !strings.Contains(r.Data, r.Revealed) {
				t.Errorf("reveal %q reported as %q", r.Data, r.Revealed)
			}
		case r.Move != "":
			t.Errorf("a move %q in commit mode: %q", r.Move, r.Data)
		}
	}
	if strings.Join(got, "\n") != strings.Join(answers, "\n") {
		t.Fatalf("spy reported\n%s\nbot answered\n%s", strings.Join(got, "\n"), strings.Join(answers, "\n"))
	}
}

// TestBotCommitCut lowers the copy bound below the commitment line: the
// cut line is never presented as a commitment with a partial digest.
func TestBotCommitCut(t *testing.T) {
	requireRoot(t)
	bot := buildBot(t)
	_, report := playBot(t, []string{"--copy", "64", "--all"}, bot, 2, "--commit")
	var cut int
	for _, r := range report {
		if r.Move == "commit" {
			t.Errorf("a commitment reported from a line cut at 64 bytes: %q", r.Commitment)
		}
		if r.Event == "write" && r.Truncated && strings.HasPrefix(r.Data, "commit ") {
			cut++
		}
	}
	if cut != 2 {
		t.Fatalf("%d cut commitment lines reported with --all, want 2", cut)
	}
}

// TestInode watches a pipe by inode: a process that the spy does not
// follow writes a move into it, and is reported.
func TestInode(t *testing.T) {
	requireRoot(t)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	tgt := exec.Command(os.Args[0])
	tgt.Env = testutil.Environ("target", "")
	tgt.Stdout = w
	goAhead, err := tgt.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := tgt.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	defer tgt.Wait()
	go io.Copy(io.Discard, r)
	spy := spyCmd("--inode", fmt.Sprintf("/proc/%d/fd/%d", os.Getpid(), r.Fd()))
	var stdout bytes.Buffer
	spy.Stdout = &stdout
	stderrR, err := spy.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := spy.Start(); err != nil {
		t.Fatal(err)
	}
	lines := lineChan(stderrR)
	waitLine(t, lines, "watching every write into")
	io.WriteString(goAhead, "go\n")
	if err := tgt.Wait(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	spy.Process.Signal(syscall.SIGTERM)
	waitLine(t, lines, "3 events, 2 moves, 0 dropped")
	for range lines {
	}
	if err := spy.Wait(); err != nil {
		t.Fatalf("roshambo-spy: %v", err)
	}
	out := stdout.String()
	if !strings.Contains(out, fmt.Sprintf("pid %d/", tgt.Process.Pid)) || !strings.Contains(out, "ROCK (into the watched file)") {
		t.Fatalf("report:\n%s", out)
	}
}

// TestPIDThread gives a thread id to --pid: its process is followed, and
// the message says so.
func TestPIDThread(t *testing.T) {
	requireRoot(t)
	// This test process has threads besides its main one.
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		t.Fatal(err)
	}
	tid := ""
	for _, e := range tasks {
		if e.Name() != fmt.Sprint(os.Getpid()) {
			tid = e.Name()
			break
		}
	}
	if tid == "" {
		t.Fatal("no thread besides the main one")
	}
	spy := spyCmd("--pid", tid)
	stderrR, err := spy.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := spy.Start(); err != nil {
		t.Fatal(err)
	}
	lines := lineChan(stderrR)
	waitLine(t, lines, fmt.Sprintf("%s is a thread of process %d: following pid %d", tid, os.Getpid(), os.Getpid()))
	spy.Process.Signal(syscall.SIGTERM)
	for range lines {
	}
	if err := spy.Wait(); err != nil {
		t.Fatalf("roshambo-spy: %v", err)
	}
}

// TestREADME: the README's section on the spy names exactly the flags that
// roshambo-spy --help lists.
func TestREADME(t *testing.T) {
	var b bytes.Buffer
	usage(&b)
	testutil.CheckFlagsDocumented(t, b.String(), testutil.READMESection(t, "The spy"), "roshambo-spy")
}
