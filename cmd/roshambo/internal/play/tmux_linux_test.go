package play

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The tmux end-to-end tests run the game in a real terminal (a tmux pane on
// a private server), type into it with send-keys and read the screen with
// capture-pane.

var tmuxN atomic.Int32

// tmuxPane is one tmux server with one pane running an interactive bash.
type tmuxPane struct {
	t    *testing.T
	sock string
}

// newPane starts a private tmux server with a w x h window running bash,
// and kills the server when the test ends. It skips the test when tmux is
// not installed.
func newPane(t *testing.T, w, h int) *tmuxPane {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (apt-get install tmux): skipping the terminal end-to-end test")
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not installed: skipping the terminal end-to-end test")
	}
	p := &tmuxPane{t: t, sock: fmt.Sprintf("roshambo-test-%d-%d", os.Getpid(), tmuxN.Add(1))}
	p.tmux("-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h),
		"-e", "PS1=rsb$ ", "-e", "LANG=C.UTF-8", "-e", "TERM=screen-256color",
		bash, "--norc", "--noprofile", "-i")
	t.Cleanup(func() { exec.Command("tmux", "-L", p.sock, "kill-server").Run() })
	p.tmux("set-option", "-g", "history-limit", "5000")
	p.wait("rsb$", 10*time.Second)
	return p
}

func (p *tmuxPane) tmux(args ...string) string {
	p.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", p.sock}, args...)...).CombinedOutput()
	if err != nil {
		p.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// keys sends tmux key names (e.g. "p", "C-z", "Enter").
func (p *tmuxPane) keys(k ...string) {
	p.t.Helper()
	p.tmux(append([]string{"send-keys", "-t", "t"}, k...)...)
}

// line types a shell command and Enter.
func (p *tmuxPane) line(cmd string) {
	p.t.Helper()
	p.tmux("send-keys", "-t", "t", "-l", cmd)
	p.keys("Enter")
}

// screen returns the visible pane.
func (p *tmuxPane) screen() string { return p.tmux("capture-pane", "-p", "-t", "t") }

// scrollback returns the whole history and the visible pane.
func (p *tmuxPane) scrollback() string { return p.tmux("capture-pane", "-p", "-t", "t", "-S", "-") }

// wait polls the visible pane until it contains every one of want.
func (p *tmuxPane) wait(want string, timeout time.Duration, more ...string) string {
	p.t.Helper()
	deadline := time.Now().Add(timeout)
	all := append([]string{want}, more...)
	for {
		s := p.screen()
		ok := true
		for _, w := range all {
			if !strings.Contains(s, w) {
				ok = false
			}
		}
		if ok {
			return s
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("the pane never showed %q; it shows:\n%s", all, s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// checkStty runs stty -a in the pane and checks that canonical mode, echo
// and signals are on again.
func (p *tmuxPane) checkStty() {
	p.t.Helper()
	mark := fmt.Sprintf("STTY-%d", sttyN.Add(1))
	p.line("echo \"" + mark + ": $(stty -a | tr ' ' '\\n' | grep -E '^-?(icanon|echo|isig)$' | tr '\\n' ' ')\"")
	var got string
	deadline := time.Now().Add(5 * time.Second)
	for got == "" {
		for _, l := range strings.Split(p.screen(), "\n") {
			if strings.HasPrefix(l, mark+": ") {
				got = l
			}
		}
		if got == "" && time.Now().After(deadline) {
			p.t.Fatalf("stty -a gave no answer; the pane shows:\n%s", p.screen())
		}
		time.Sleep(20 * time.Millisecond)
	}
	fields := strings.Fields(strings.TrimPrefix(got, mark+": "))
	want := map[string]bool{"icanon": true, "echo": true, "isig": true}
	for _, f := range fields {
		delete(want, f)
	}
	if len(want) > 0 || len(fields) != 3 {
		p.t.Errorf("terminal not restored: stty -a shows %q, want icanon echo isig (all on)", fields)
	}
}

var sttyN atomic.Int32

// gameBinary returns the command that runs the game: this test binary,
// re-executed in game mode (see TestMain).
func gameBinary(t *testing.T) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "roshambo")
	if err := os.Symlink(self, bin); err != nil {
		t.Fatal(err)
	}
	return "env " + roleEnv + "=game " + bin
}

func TestTmuxPlay(t *testing.T) {
	p := newPane(t, 80, 24)
	p.line(gameBinary(t) + " --bot cycle --seed 1 --rounds 5; echo EXIT=$?")
	p.wait("round 1 · throw:", 15*time.Second, "vs cycle", "5 rounds")

	// Round 1: the cycle bot throws rock; paper wins.
	p.keys("p")
	p.wait("round 1: YOU WIN · paper covers rock", 5*time.Second, "YOU  1 : 0  BOT", "round 2 · throw:")

	// A resize redraws at once: the separator spans the new width.
	p.tmux("resize-window", "-t", "t", "-x", "100", "-y", "30")
	p.wait(strings.Repeat("─", 100), 5*time.Second, "round 2 · throw:")

	// Round 2: paper; scissors win. Keys 1/2/3 throw too.
	p.keys("3")
	p.wait("round 2: YOU WIN · scissors cut paper", 5*time.Second, "YOU  2 : 0  BOT")

	// Ctrl-Z suspends: the shell is back, with a sane terminal.
	p.keys("C-z")
	p.wait("Stopped", 5*time.Second)
	p.checkStty()
	p.line("fg")
	p.wait("round 3 · throw:", 5*time.Second, "YOU  2 : 0  BOT")

	// Round 3: scissors; rock loses to nothing: a win. Help toggles.
	p.keys("?")
	p.wait("show or hide this help", 5*time.Second)
	p.keys("?")
	p.keys("r")
	s := p.wait("round 3: YOU WIN · rock crushes scissors", 5*time.Second, "YOU  3 : 0  BOT", "#1 P/R #2 S/P #3 R/S")
	if !strings.Contains(s, "reaction ") || !strings.Contains(s, " ms · avg ") {
		t.Errorf("no reaction time shown:\n%s", s)
	}

	// q quits. The shell's "; echo EXIT=$?" ran at the stop already: after
	// fg, $? is the game's exit status.
	p.keys("q")
	p.wait("match abandoned", 5*time.Second)
	p.line("echo EXIT-AFTER-FG=$?")
	p.wait("EXIT-AFTER-FG=0", 5*time.Second)
	p.checkStty()
	back := p.scrollback()
	for _, want := range []string{"match abandoned", "score: you 3 : 0 bot, draws 0", "round  3: you rock     bot scissors win"} {
		if !strings.Contains(back, want) {
			t.Errorf("scrollback lacks %q:\n%s", want, back)
		}
	}
}

func TestTmuxMatchOver(t *testing.T) {
	p := newPane(t, 80, 24)
	p.line(gameBinary(t) + " --bot cycle --seed 1 --first-to 2; echo EXIT=$?")
	p.wait("round 1 · throw:", 15*time.Second, "first to 2")
	p.keys("r") // rock vs rock
	p.wait("round 1: DRAW · both threw rock", 5*time.Second)
	p.keys("s") // scissors vs paper
	p.wait("round 2: YOU WIN", 5*time.Second)
	p.keys("r") // rock vs scissors
	p.wait("MATCH OVER: YOU WIN 2 : 0", 5*time.Second)
	p.keys("Enter")
	p.wait("EXIT=0", 5*time.Second)
	p.checkStty()
	if back := p.scrollback(); !strings.Contains(back, "match over: you win") {
		t.Errorf("no summary in the scrollback:\n%s", back)
	}
}

// dyingOpponent answers two rounds and then exits with status 3 when asked
// for the third: a shell one-liner speaking the protocol.
const dyingOpponent = `sh -c 'read l; echo rock; read l; read l; echo paper; read l; read l; echo dying >&2; exit 3'`

func TestTmuxOpponentDies(t *testing.T) {
	p := newPane(t, 80, 24)
	p.line(gameBinary(t) + ` --opponent "` + dyingOpponent + `"; echo EXIT=$?`)
	p.wait("round 1 · throw:", 15*time.Second)
	p.keys("p")
	p.wait("round 2 · throw:", 5*time.Second)
	p.keys("s")
	s := p.wait("opponent error", 5*time.Second, "record kept: 2 rounds · you 2 : 0 bot")
	if !strings.Contains(s, "exit status 3") {
		t.Errorf("the error screen does not say how the opponent ended:\n%s", s)
	}
	p.keys("Enter")
	s = p.wait("EXIT=1", 5*time.Second)
	if !strings.Contains(s, "roshambo: ") {
		t.Errorf("no one-line error message:\n%s", s)
	}
	p.checkStty()
	if back := p.scrollback(); !strings.Contains(back, "match ended by an error (record kept)") {
		t.Errorf("no summary in the scrollback:\n%s", back)
	}
}

// spyPrivileged skips the test unless the process can load the spy.
func spyPrivileged(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("the --spy end-to-end test needs root (CAP_BPF and CAP_PERFMON to load the eBPF spy); run it as root")
	}
	if _, err := os.Stat("/sys/kernel/btf/vmlinux"); err != nil {
		t.Skipf("the spy needs kernel BTF: %v", err)
	}
}

func TestTmuxSpy(t *testing.T) {
	spyPrivileged(t)
	p := newPane(t, 80, 24)
	p.line(gameBinary(t) + " --spy --bot cycle --seed 1 --rounds 3; echo EXIT=$?")
	// Before any throw, the panel already shows the bot's first move.
	s := p.wait("round 1: the bot wrote ROCK", 15*time.Second, "round 1 · throw:", "throw paper to beat it")
	if strings.Contains(s, "YOU WIN") {
		t.Fatalf("the panel was checked too late:\n%s", s)
	}
	p.keys("p")
	p.wait("round 2: the bot wrote PAPER", 5*time.Second, "round 1: YOU WIN", "round 2 · throw:")
	p.keys("s")
	p.wait("round 3: the bot wrote SCISSORS", 5*time.Second, "round 3 · throw:")
	p.keys("r")
	p.wait("MATCH OVER: YOU WIN 3 : 0", 5*time.Second)
	p.keys("Enter")
	p.wait("EXIT=0", 5*time.Second)
}

func TestTmuxSpyCommit(t *testing.T) {
	spyPrivileged(t)
	p := newPane(t, 80, 24)
	p.line(gameBinary(t) + " --spy --commit --bot cycle --seed 1 --rounds 2; echo EXIT=$?")
	s := p.wait("round 1: committed, move hidden", 15*time.Second, "round 1 · throw:", "commit mode")
	if strings.Contains(s, "wrote") {
		t.Errorf("the spy revealed a committed move:\n%s", s)
	}
	p.keys("p")
	s = p.wait("round 2: committed, move hidden", 5*time.Second, "round 1: YOU WIN · paper covers rock")
	if strings.Contains(s, "wrote") {
		t.Errorf("the spy revealed a committed move:\n%s", s)
	}
	p.keys("q")
	p.wait("EXIT=0", 5*time.Second)
}

// TestTmuxSpyUnprivileged runs --spy without privileges (the game as an
// unprivileged user): the missing privileges are named and the game plays on.
func TestTmuxSpyUnprivileged(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to start the game as the unprivileged user nobody (setpriv)")
	}
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Skip("setpriv (util-linux) is not installed")
	}
	bin := gameBinary(t)
	// The binary must be reachable by nobody.
	dir := filepath.Dir(strings.Fields(bin)[2])
	for d := dir; d != "/"; d = filepath.Dir(d) {
		os.Chmod(d, 0o755)
	}
	self, _ := os.Executable()
	for d := filepath.Dir(self); d != "/"; d = filepath.Dir(d) {
		os.Chmod(d, 0o755)
	}
	os.Chmod(self, 0o755)
	p := newPane(t, 80, 24)
	p.line(setpriv + " --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all " + bin + " --spy --bot cycle --seed 1 --rounds 1; echo EXIT=$?")
	s := p.wait("round 1 · throw:", 15*time.Second)
	if !strings.Contains(s, "spy unavailable") || !strings.Contains(s, "CAP_BPF") {
		t.Errorf("the spy panel does not say what is missing:\n%s", s)
	}
	p.keys("r")
	p.wait("MATCH OVER", 5*time.Second)
	p.keys("Enter")
	s = p.wait("EXIT=0", 5*time.Second)
	if !strings.Contains(p.scrollback(), "playing on without the spy") {
		t.Errorf("no message about the missing privileges before the game:\n%s", p.scrollback())
	}
	_ = s
}
