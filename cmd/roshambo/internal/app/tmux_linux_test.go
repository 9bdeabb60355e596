package app

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/roshambo-game/roshambo/internal/testutil"
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
	p.wait("rsb$", startWait)
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
	deadline := time.Now().Add(stepWait)
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

// The game under test is the real binary, built with `go build` once per
// test process (builtDir) and linked into each test's own t.TempDir(), with
// or without roshambo-bot beside it.
var (
	buildOnce sync.Once
	builtDir  string
	buildErr  error
)

// buildBinaries builds roshambo and roshambo-bot into a directory removed
// when the test process ends (see TestMain).
func buildBinaries(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		goCmd, err := exec.LookPath("go")
		if err != nil {
			goCmd = filepath.Join(runtime.GOROOT(), "bin", "go")
		}
		builtDir, buildErr = os.MkdirTemp("", "roshambo-play-test-")
		if buildErr != nil {
			return
		}
		cmd := exec.Command(goCmd, "build", "-o", builtDir+string(filepath.Separator),
			"github.com/roshambo-game/roshambo/cmd/roshambo", "github.com/roshambo-game/roshambo/cmd/roshambo-bot")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatalf("build the game: %v", buildErr)
	}
	return builtDir
}

// gameBinary returns the path of a freshly built roshambo in a t.TempDir()
// of its own, with roshambo-bot beside it if withBot.
func gameBinary(t *testing.T, withBot bool) string {
	t.Helper()
	src := buildBinaries(t)
	dir := t.TempDir()
	names := []string{"roshambo"}
	if withBot {
		names = append(names, "roshambo-bot")
	}
	for _, n := range names {
		if err := os.Link(filepath.Join(src, n), filepath.Join(dir, n)); err != nil {
			t.Fatalf("link %s: %v", n, err)
		}
	}
	return filepath.Join(dir, "roshambo")
}

// processesOf returns the pids of the processes whose argv[0] is path (and
// whose argv[1] is arg1, if not empty).
func processesOf(path, arg1 string) []int {
	var pids []int
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil {
			continue
		}
		argv := strings.Split(strings.TrimSuffix(string(b), "\x00"), "\x00")
		if argv[0] == path && (arg1 == "" || len(argv) > 1 && argv[1] == arg1) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// Deadlines for the pane to show something: generous, since the machine
// may be loaded (they bound a wait, they assert no speed).
const (
	startWait = 30 * time.Second // the game and its opponent start
	stepWait  = 15 * time.Second // one step of the game
)

// reactionRE is a reaction time as the game shows it: "412 ms" or "1.03 s",
// with the running median.
var reactionRE = regexp.MustCompile(`reaction (\d+ ms|\d+\.\d ms|\d+\.\d+ s) · median `)

// TestTmuxPlay plays the real binary, with roshambo-bot beside it, against
// the deterministic cycle bot (rock, paper, scissors, ...).
func TestTmuxPlay(t *testing.T) {
	bin := gameBinary(t, true)
	p := newPane(t, 80, 24)
	// No subcommand: the game.
	p.line(bin + " --bot cycle --seed 1 --rounds 5; echo EXIT=$?")
	p.wait("round 1 · throw:", startWait, "vs cycle", "5 rounds", "round 1/5")

	// The opponent is roshambo-bot found next to the executable.
	if pids := processesOf(filepath.Join(filepath.Dir(bin), "roshambo-bot"), "--strategy"); len(pids) != 1 {
		t.Errorf("want one roshambo-bot process from beside the game, found %v", pids)
	}

	// Round 1: the cycle bot throws rock; paper wins.
	p.keys("p")
	s := p.wait("round 1: YOU WIN · paper covers rock", stepWait, "YOU  1 : 0  BOT", "round 2 · throw:")
	if !reactionRE.MatchString(s) {
		t.Errorf("no reaction time:\n%s", s)
	}

	// A resize redraws at once: the separator spans the new width.
	p.tmux("resize-window", "-t", "t", "-x", "100", "-y", "30")
	p.wait(strings.Repeat("─", 100), stepWait, "round 2 · throw:")

	// Round 2: paper; scissors win. Keys 1/2/3 throw too.
	p.keys("3")
	p.wait("round 2: YOU WIN · scissors cut paper", stepWait, "YOU  2 : 0  BOT")

	// Ctrl-Z suspends: the shell is back, with a sane terminal.
	p.keys("C-z")
	p.wait("Stopped", stepWait)
	p.checkStty()
	p.line("fg")
	p.wait("round 3 · throw:", stepWait, "YOU  2 : 0  BOT", "#1 P/R #2 S/P")

	// The game reads keys again after fg. Help toggles.
	p.keys("?")
	p.wait("show or hide this help", stepWait)
	p.keys("?")
	p.keys("r")
	s = p.wait("round 3: YOU WIN · rock crushes scissors", stepWait, "YOU  3 : 0  BOT", "#1 P/R #2 S/P #3 R/S")
	if !reactionRE.MatchString(s) {
		t.Errorf("no reaction time:\n%s", s)
	}
	// Round 4: rock again; rock draws.
	p.keys("r")
	p.wait("round 4: DRAW · both threw rock", stepWait, "YOU  3 : 0  BOT   draws 1")

	// q quits. The shell's "; echo EXIT=$?" ran at the stop already: after
	// fg, $? is the game's exit status.
	p.keys("q")
	p.wait("match abandoned", stepWait)
	p.line("echo EXIT-AFTER-FG=$?")
	p.wait("EXIT-AFTER-FG=0", stepWait)
	p.checkStty()
	back := p.scrollback()
	for _, want := range []string{
		"roshambo: 5 rounds vs cycle, 4 rounds played",
		"match abandoned",
		"score: you 3 : 0 bot, draws 1",
		"round  1: you paper    bot rock     win   reaction ",
		"round  2: you scissors bot paper    win   reaction ",
		"round  3: you rock     bot scissors win   reaction ",
		"round  4: you rock     bot rock     draw  reaction ",
	} {
		if !strings.Contains(back, want) {
			t.Errorf("scrollback lacks %q:\n%s", want, back)
		}
	}
	if pids := processesOf(filepath.Join(filepath.Dir(bin), "roshambo-bot"), ""); len(pids) != 0 {
		t.Errorf("the opponent outlived the game: pids %v", pids)
	}
}

// TestTmuxMatchOver plays a match to its end (the game started with the
// play subcommand) and leaves with any key.
func TestTmuxMatchOver(t *testing.T) {
	bin := gameBinary(t, true)
	p := newPane(t, 80, 24)
	p.line(bin + " play --bot cycle --seed 1 --first-to 2; echo EXIT=$?")
	p.wait("round 1 · throw:", startWait, "first to 2")
	p.keys("r") // rock vs rock
	p.wait("round 1: DRAW · both threw rock", stepWait)
	p.keys("s") // scissors vs paper
	p.wait("round 2: YOU WIN", stepWait)
	p.keys("r") // rock vs scissors
	p.wait("MATCH OVER: YOU WIN 2 : 0", stepWait)
	p.wait("n new match · q quit", stepWait) // keys are taken after a moment
	p.keys("Enter")
	p.wait("EXIT=0", stepWait)
	p.checkStty()
	if back := p.scrollback(); !strings.Contains(back, "match over: you win") || !strings.Contains(back, "score: you 2 : 0 bot, draws 1") {
		t.Errorf("no summary in the scrollback:\n%s", back)
	}
}

// TestTmuxBotReexec: with no roshambo-bot beside the game and none in PATH,
// the game re-executes itself in bot mode. Ctrl-C quits.
func TestTmuxBotReexec(t *testing.T) {
	bin := gameBinary(t, false)
	empty := t.TempDir()
	p := newPane(t, 80, 24)
	p.line("env PATH=" + empty + " " + bin + " --bot cycle --seed 1; echo EXIT=$?")
	p.wait("round 1 · throw:", startWait, "vs cycle", "endless")
	if pids := processesOf(bin, BotCommand); len(pids) != 1 {
		t.Errorf("want one %q process (the game re-executed in bot mode), found %v", bin+" "+BotCommand, pids)
	}
	p.keys("p")
	p.wait("round 1: YOU WIN · paper covers rock", stepWait, "round 2 · throw:")
	p.keys("C-c")
	p.wait("EXIT=0", stepWait, "match abandoned")
	p.checkStty()
	if pids := processesOf(bin, BotCommand); len(pids) != 0 {
		t.Errorf("the bot outlived the game: pids %v", pids)
	}
}

// TestTmuxTerminated: SIGTERM (and SIGHUP) after two throws restores the
// terminal (normal screen back, cooked mode), prints the summary with both
// rounds, and ends the game by the signal (128+n).
func TestTmuxTerminated(t *testing.T) {
	for _, tc := range []struct {
		sig  syscall.Signal
		exit string
	}{{syscall.SIGTERM, "EXIT=143"}, {syscall.SIGHUP, "EXIT=129"}} {
		t.Run(tc.sig.String(), func(t *testing.T) {
			bin := gameBinary(t, true)
			p := newPane(t, 80, 24)
			p.line("echo BEFORE-THE-GAME")
			p.line(bin + " --bot cycle --seed 1; echo EXIT=$?")
			p.wait("round 1 · throw:", startWait)
			p.keys("p")
			p.wait("round 2 · throw:", stepWait)
			p.keys("s")
			p.wait("round 3 · throw:", stepWait)
			pids := processesOf(bin, "--bot")
			if len(pids) != 1 {
				t.Fatalf("want one game process, found %v", pids)
			}
			if err := syscall.Kill(pids[0], tc.sig); err != nil {
				t.Fatal(err)
			}
			// If the end never comes, say what became of the game process.
			t.Cleanup(func() {
				if t.Failed() {
					st, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pids[0]))
					if err != nil {
						t.Logf("game process %d: gone (%v)", pids[0], err)
						return
					}
					wchan, _ := os.ReadFile(fmt.Sprintf("/proc/%d/wchan", pids[0]))
					t.Logf("game process %d still exists (wchan %q):\n%s", pids[0], wchan, st)
				}
			})
			s := p.wait(tc.exit, stepWait, "BEFORE-THE-GAME")
			if strings.Contains(s, "round 3 · throw:") {
				t.Errorf("the game's screen was left on the terminal:\n%s", s)
			}
			for _, want := range []string{"endless vs cycle, 2 rounds played", "match interrupted: " + tc.sig.String(),
				"round  1: you paper    bot rock     win", "round  2: you scissors bot paper    win"} {
				if !strings.Contains(s, want) {
					t.Errorf("the summary lacks %q:\n%s", want, s)
				}
			}
			p.checkStty()
		})
	}
}

// TestTmuxHungBot: while the opponent does not answer (it thinks for 100 s,
// with a 30 s timeout), the game still takes q, ? and Ctrl-Z at once.
func TestTmuxHungBot(t *testing.T) {
	bin := gameBinary(t, false)
	p := newPane(t, 80, 24)
	p.line(bin + ` --opponent "sleep 100" --timeout 30s; echo EXIT=$?`)
	p.wait("round 1 · waiting for the bot…", startWait)
	p.keys("?")
	p.wait("show or hide this help", stepWait)
	p.keys("Escape")
	start := time.Now()
	p.keys("q")
	p.wait("EXIT=0", stepWait, "match abandoned")
	// The game ends within a second, its exit included (the hung bot is
	// killed after a 100 ms grace); a deaf game would wait for the 30 s
	// timeout.
	d := time.Since(start)
	t.Logf("q quit %v after the key while the bot was thinking", d.Round(time.Millisecond))
	if d > time.Second {
		t.Errorf("q took %v to quit while the bot was thinking", d)
	}
	p.checkStty()
}

// TestTmuxCtrlZUnderAWrapper: Ctrl-Z stops the whole job, so the shell gets
// the terminal back even when the game runs under sh -c (as under make run);
// fg resumes it, and q then ends the wrapper's command line.
func TestTmuxCtrlZUnderAWrapper(t *testing.T) {
	bin := gameBinary(t, true)
	p := newPane(t, 80, 24)
	p.line("sh -c '" + bin + " --bot cycle --seed 1; echo done'")
	p.wait("round 1 · throw:", startWait)
	p.keys("C-z")
	p.wait("Stopped", stepWait)
	p.checkStty()
	p.line("fg")
	p.wait("round 1 · throw:", stepWait)
	p.keys("p")
	p.wait("round 1: YOU WIN", stepWait)
	p.keys("q")
	p.wait("done", stepWait, "match abandoned")
	p.checkStty()
}

// TestTmuxBotKilled: an opponent killed between rounds is reported at once,
// without a key: within 100 ms of the kill, the pane's own polling included.
// A loaded machine can delay any one attempt, so the game gets up to five;
// one within 100 ms shows the mechanism (an event, not a poll or a timeout).
func TestTmuxBotKilled(t *testing.T) {
	bin := gameBinary(t, true)
	var delays []time.Duration
	for attempt := 0; attempt < 5; attempt++ {
		d := killBotOnce(t, bin)
		delays = append(delays, d)
		if d <= 100*time.Millisecond {
			break
		}
	}
	t.Logf("the killed bot was reported %v after the kill", delays)
	if slices.Min(delays) > 100*time.Millisecond {
		t.Errorf("the killed bot was reported %v after the kill, never within 100 ms", delays)
	}
}

// killBotOnce starts a game, kills its bot and returns how long the pane
// took to show it.
func killBotOnce(t *testing.T, bin string) time.Duration {
	t.Helper()
	p := newPane(t, 80, 24)
	p.line(bin + " --bot cycle --seed 1; echo EXIT=$?")
	p.wait("round 1 · throw:", startWait)
	bots := processesOf(filepath.Join(filepath.Dir(bin), "roshambo-bot"), "--strategy")
	if len(bots) != 1 {
		t.Fatalf("want one bot process, found %v", bots)
	}
	start := time.Now()
	if err := syscall.Kill(bots[0], syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	var d time.Duration
	for {
		if strings.Contains(p.screen(), "signal: killed") {
			d = time.Since(start)
			break
		}
		if time.Since(start) > stepWait {
			t.Fatalf("the killed bot was not reported without a key:\n%s", p.screen())
		}
		time.Sleep(time.Millisecond)
	}
	s := p.wait("the bot exited in round 1", stepWait)
	if strings.Contains(s, "did not answer") {
		t.Errorf("the death was reported as a timeout:\n%s", s)
	}
	p.wait("n new match · q quit", stepWait)
	p.keys("q")
	p.wait("EXIT=1", stepWait)
	p.checkStty()
	return d
}

// TestTmuxTooSmall: on a terminal below the minimum size the game asks for
// more room and takes no throw; after enlarging it, play goes on.
func TestTmuxTooSmall(t *testing.T) {
	bin := gameBinary(t, true)
	p := newPane(t, 80, 24)
	p.line(bin + " --bot cycle --seed 1; echo EXIT=$?")
	p.wait("round 1 · throw:", startWait)
	p.tmux("resize-window", "-t", "t", "-x", "30", "-y", "8")
	p.wait("enlarge it", stepWait)
	p.keys("r", "p", "s")
	time.Sleep(200 * time.Millisecond)
	p.tmux("resize-window", "-t", "t", "-x", "80", "-y", "24")
	s := p.wait("round 1 · throw:", stepWait)
	if strings.Contains(s, "YOU WIN") || strings.Contains(s, "YOU LOSE") || strings.Contains(s, "DRAW") {
		t.Errorf("a throw was taken on the too-small screen:\n%s", s)
	}
	p.keys("p")
	p.wait("round 1: YOU WIN · paper covers rock", stepWait)
	p.keys("q")
	p.wait("EXIT=0", stepWait)
}

// TestTmuxNewMatch: after a match, n starts a new one against a fresh
// opponent process; the summary keeps both.
func TestTmuxNewMatch(t *testing.T) {
	bin := gameBinary(t, true)
	p := newPane(t, 80, 24)
	p.line(bin + " --bot cycle --seed 1 --rounds 1; echo EXIT=$?")
	p.wait("round 1 · throw:", startWait)
	first := processesOf(filepath.Join(filepath.Dir(bin), "roshambo-bot"), "--strategy")
	p.keys("p")
	p.wait("MATCH OVER: YOU WIN 1 : 0", stepWait)
	p.wait("n new match · q quit", stepWait)
	p.keys("n")
	p.wait("first round: make your throw", stepWait, "round 1 · throw:")
	second := processesOf(filepath.Join(filepath.Dir(bin), "roshambo-bot"), "--strategy")
	if len(first) != 1 || len(second) != 1 || first[0] == second[0] {
		t.Errorf("bot processes: %v for the first match, %v for the second: want a fresh one", first, second)
	}
	p.keys("r")
	p.wait("MATCH OVER: IT'S A DRAW", stepWait)
	p.keys("q")
	s := p.wait("EXIT=0", stepWait)
	for _, want := range []string{"match 1 of 2: 1 round vs cycle, 1 round played", "match 2 of 2: 1 round vs cycle"} {
		if !strings.Contains(p.scrollback(), want) {
			t.Errorf("the summary lacks %q:\n%s", want, s)
		}
	}
}

// dyingOpponent answers two rounds and then exits with status 3 when asked
// for the third: a shell one-liner speaking the protocol.
const dyingOpponent = `sh -c 'read l; echo rock; read l; read l; echo paper; read l; read l; echo dying >&2; exit 3'`

func TestTmuxOpponentDies(t *testing.T) {
	bin := gameBinary(t, false)
	p := newPane(t, 80, 24)
	p.line(bin + ` --opponent "` + dyingOpponent + `"; echo EXIT=$?`)
	p.wait("round 1 · throw:", startWait)
	p.keys("p")
	p.wait("round 2 · throw:", stepWait)
	p.keys("s")
	s := p.wait("opponent error", stepWait, "record kept: 2 rounds · you 2 : 0 bot")
	if !strings.Contains(s, "exit status 3") {
		t.Errorf("the error screen does not say how the opponent ended:\n%s", s)
	}
	p.wait("q quit (the summary", stepWait)
	p.keys("Enter")
	s = p.wait("EXIT=1", stepWait)
	if !regexp.MustCompile(`(?m)^roshambo: .*exit status 3.*$`).MatchString(s) {
		t.Errorf("no one-line error message:\n%s", s)
	}
	p.checkStty()
	if back := p.scrollback(); !strings.Contains(back, "match ended: the bot exited in round 3 (exit status 3) (record kept)") ||
		!strings.Contains(back, "score: you 2 : 0 bot, draws 0") {
		t.Errorf("no summary in the scrollback:\n%s", back)
	}
}

// spyPrivileged skips the test unless the process can load the spy.
func spyPrivileged(t *testing.T) {
	t.Helper()
	testutil.RequireRoot(t, "the --spy end-to-end test needs CAP_BPF and CAP_PERFMON to load the eBPF spy")
	if _, err := os.Stat("/sys/kernel/btf/vmlinux"); err != nil {
		t.Skipf("the spy needs kernel BTF (/sys/kernel/btf/vmlinux): %v", err)
	}
}

// TestTmuxSpy: in plain mode the panel shows the bot's move before the
// player throws.
func TestTmuxSpy(t *testing.T) {
	spyPrivileged(t)
	bin := gameBinary(t, true)
	p := newPane(t, 80, 24)
	p.line(bin + " --spy --bot cycle --seed 1 --rounds 3; echo EXIT=$?")
	// Before any throw, the panel already shows the bot's first move.
	s := p.wait("round 1: the bot wrote ROCK", startWait, "round 1 · throw:", "throw paper to beat it")
	if strings.Contains(s, "YOU WIN") {
		t.Fatalf("the panel was checked too late:\n%s", s)
	}
	p.keys("p")
	p.wait("round 2: the bot wrote PAPER", stepWait, "round 1: YOU WIN", "round 2 · throw:")
	p.keys("s")
	p.wait("round 3: the bot wrote SCISSORS", stepWait, "round 3 · throw:")
	p.keys("r")
	p.wait("MATCH OVER: YOU WIN 3 : 0", stepWait)
	p.wait("n new match · q quit", stepWait)
	p.keys("Enter")
	p.wait("EXIT=0", stepWait)
	p.checkStty()
}

// TestTmuxSpyCommit: in commit mode the panel shows only that the bot
// committed.
func TestTmuxSpyCommit(t *testing.T) {
	spyPrivileged(t)
	bin := gameBinary(t, true)
	p := newPane(t, 80, 24)
	p.line(bin + " --spy --commit --bot cycle --seed 1 --rounds 2; echo EXIT=$?")
	s := p.wait("round 1: committed, move hidden", startWait, "round 1 · throw:", "commit mode")
	if strings.Contains(s, "wrote") {
		t.Errorf("the spy revealed a committed move:\n%s", s)
	}
	p.keys("p")
	s = p.wait("round 2: committed, move hidden", stepWait, "round 1: YOU WIN · paper covers rock")
	if strings.Contains(s, "wrote") {
		t.Errorf("the spy revealed a committed move:\n%s", s)
	}
	p.keys("q")
	p.wait("EXIT=0", stepWait)
	p.checkStty()
}

// TestTmuxSpyUnprivileged runs --spy without privileges (the game as an
// unprivileged user): the missing privileges are named and the game plays on.
func TestTmuxSpyUnprivileged(t *testing.T) {
	testutil.RequireRoot(t, "starting the game as the unprivileged user nobody (setpriv) needs root")
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Skip("setpriv (util-linux) is not installed")
	}
	bin := gameBinary(t, true)
	// The binaries must be reachable by nobody.
	for d := filepath.Dir(bin); d != "/"; d = filepath.Dir(d) {
		os.Chmod(d, 0o755)
	}
	p := newPane(t, 80, 24)
	p.line(setpriv + " --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all " + bin + " --spy --bot cycle --seed 1 --rounds 1; echo EXIT=$?")
	s := p.wait("round 1 · throw:", startWait)
	if !strings.Contains(s, "spy unavailable") || !strings.Contains(s, "CAP_BPF") {
		t.Errorf("the spy panel does not say what is missing:\n%s", s)
	}
	p.keys("r")
	p.wait("MATCH OVER", stepWait)
	p.wait("n new match · q quit", stepWait)
	p.keys("Enter")
	p.wait("EXIT=0", stepWait)
	if !strings.Contains(p.scrollback(), "playing on without the spy") {
		t.Errorf("no message about the missing privileges before the game:\n%s", p.scrollback())
	}
}

// sgrColourRE finds the colour parameters in the SGR sequences of
// `capture-pane -e`: 30-37/40-47 (basic), 90-97/100-107 (bright) and
// 38;5;N/48;5;N (palette) or 38;2 (RGB).
var sgrColourRE = regexp.MustCompile(`\x1b\[([0-9;]*)m`)

// coloursIn returns the highest palette index that the captured pane uses
// (-1: no colour at all); RGB counts as 256.
func coloursIn(s string) int {
	top := -1
	for _, m := range sgrColourRE.FindAllStringSubmatch(s, -1) {
		ps := strings.Split(m[1], ";")
		for i := 0; i < len(ps); i++ {
			n, err := strconv.Atoi(ps[i])
			if err != nil {
				continue
			}
			switch {
			case (n == 38 || n == 48) && i+2 < len(ps) && ps[i+1] == "5":
				c, _ := strconv.Atoi(ps[i+2])
				top = max(top, c)
				i += 2
			case (n == 38 || n == 48) && i+1 < len(ps) && ps[i+1] == "2":
				top = max(top, 256)
				i += 4
			case n >= 30 && n <= 37, n >= 40 && n <= 47:
				top = max(top, n%10)
			case n >= 90 && n <= 97, n >= 100 && n <= 107:
				top = max(top, 8+n%10)
			}
		}
	}
	return top
}

// TestTmuxColours: the game uses the extended palette on a 256-colour
// terminal, only the 8 basic colours on an 8-colour one, and no colour at
// all with NO_COLOR (bold/reverse/underline still mark the outcomes).
func TestTmuxColours(t *testing.T) {
	bin := gameBinary(t, true)
	for _, tc := range []struct {
		name, env string
		min, max  int // highest palette index used must be in [min, max]
	}{
		{"256", "TERM=screen-256color", 16, 255},
		{"8", "TERM=screen", 0, 7},
		{"NO_COLOR", "TERM=screen-256color NO_COLOR=1", -1, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPane(t, 80, 24)
			p.line("env " + tc.env + " " + bin + " --bot rock --seed 1; echo EXIT=$?")
			p.wait("round 1 · throw:", startWait)
			p.keys("p")
			p.wait("round 1: YOU WIN · paper covers rock", stepWait)
			s := p.tmux("capture-pane", "-p", "-e", "-t", "t")
			if got := coloursIn(s); got < tc.min || got > tc.max {
				t.Errorf("%s: highest colour used %d, want %d to %d; pane:\n%q", tc.env, got, tc.min, tc.max, s)
			}
			if tc.max < 0 && !strings.Contains(s, "\x1b[1m") && !strings.Contains(s, "\x1b[7m") {
				t.Errorf("NO_COLOR: no attribute marks anything either:\n%q", s)
			}
			p.keys("q")
			p.wait("EXIT=0", stepWait)
		})
	}
}

// TestHangup closes the game's terminal under it, as closing a terminal
// window does (no tmux here: the test holds the pty master and drops it).
// The game must end by SIGHUP and leave the record of its rounds wherever it
// still can: stdout is the dead terminal, so stderr (a file here).
func TestHangup(t *testing.T) {
	bin := gameBinary(t, true)
	master, slave, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer master.Close()
	if err := pty.Setsize(slave, &pty.Winsize{Cols: 80, Rows: 24}); err != nil {
		t.Fatal(err)
	}
	errf, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer errf.Close()
	cmd := exec.Command(bin, "--bot", "cycle", "--seed", "1")
	cmd.Env = append(os.Environ(), "TERM=xterm-256color", "LANG=C.UTF-8")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, errf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	// A goroutine reads the master (as a terminal emulator does), so that
	// the test never blocks in a read. It polls with a timeout: a read
	// blocked in the kernel would hold the master open, and the terminal
	// hangs up only when its last reference goes.
	chunks := make(chan []byte, 64)
	stop, stopped := make(chan struct{}), make(chan struct{})
	mfd := int(master.Fd())
	go func() {
		defer close(stopped)
		for {
			select {
			case <-stop:
				return
			default:
			}
			pfd := []unix.PollFd{{Fd: int32(mfd), Events: unix.POLLIN}}
			if n, _ := unix.Poll(pfd, 50); n <= 0 {
				continue
			}
			buf := make([]byte, 4096)
			n, err := unix.Read(mfd, buf)
			if n > 0 {
				chunks <- buf[:n]
			}
			if err != nil && err != unix.EINTR && err != unix.EAGAIN {
				return
			}
		}
	}()
	var screen strings.Builder
	readUntil := func(want string) {
		t.Helper()
		timeout := time.After(startWait)
		for !strings.Contains(screen.String(), want) {
			select {
			case c := <-chunks:
				screen.Write(c)
			case <-timeout:
				t.Fatalf("the game never wrote %q", want)
			}
		}
	}
	readUntil("throw:")
	bots := processesOf(filepath.Join(filepath.Dir(bin), "roshambo-bot"), "--strategy")
	if _, err := master.Write([]byte("p")); err != nil {
		t.Fatal(err)
	}
	readUntil("YOU WIN") // round 1 is recorded
	close(stop)
	<-stopped
	master.Close() // the last reference: the terminal hangs up
	select {
	case <-waited:
	case <-time.After(stepWait):
		// Say where it is stuck: a Go program dumps its goroutines on
		// SIGQUIT (to its stderr, the file here).
		_ = cmd.Process.Signal(syscall.SIGQUIT)
		<-waited
		out, _ := os.ReadFile(errf.Name())
		t.Fatalf("the game did not end after its terminal hung up; its stderr:\n%s", out)
	}
	ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !(ws.Signaled() && ws.Signal() == syscall.SIGHUP) && ws.ExitStatus() != 128+int(syscall.SIGHUP) {
		t.Errorf("the game ended with %v, want SIGHUP", cmd.ProcessState)
	}
	out, _ := os.ReadFile(errf.Name())
	for _, want := range []string{"1 round played", "match interrupted: hangup", "round  1: you paper    bot rock     win"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("stderr lacks %q:\n%s", want, out)
		}
	}
	for _, pid := range bots {
		deadline := time.Now().Add(stepWait)
		for processAlive(pid) && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if processAlive(pid) {
			t.Errorf("the bot %d outlived the game", pid)
		}
	}
}

// processAlive reports whether pid is a live (not zombie) process.
func processAlive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	return len(f) > 0 && f[0] != "Z"
}

// TestTmuxLevelAndExplain: --level picks the bot, the header names it, and e
// shows how the bot (a real process) chose its last move; also when the game
// runs its own bot (no roshambo-bot beside it).
func TestTmuxLevelAndExplain(t *testing.T) {
	for _, withBot := range []bool{true, false} {
		t.Run(map[bool]string{true: "roshambo-bot", false: "own bot"}[withBot], func(t *testing.T) {
			bin := gameBinary(t, withBot)
			p := newPane(t, 100, 30)
			p.line("env PATH=/usr/bin:/bin " + bin + " --level hard --seed 1 --rounds 3; echo EXIT=$?")
			p.wait("round 1 · throw:", startWait, "vs hard (iocaine)", "round 1/3")
			p.keys("e")
			p.wait("the bot: no explanation yet", stepWait)
			p.keys("p")
			p.wait("the bot, round 1: it ", stepWait)
			p.keys("e")
			p.wait("your pattern:", stepWait)
			p.keys("q")
			p.wait("EXIT=0", stepWait)
		})
	}
}

// TestTmuxSpySeesThePipe: a bot that has its answers written into its
// stdout by a process the spy does not follow (it opens the bot's pipe
// through /proc) is still seen: the game watches the pipe by inode.
func TestTmuxSpySeesThePipe(t *testing.T) {
	spyPrivileged(t)
	bin := gameBinary(t, true)
	dir := t.TempDir()
	fifo := filepath.Join(dir, "asked")
	if err := unix.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	// The writer: started by the test, no child of the bot's. For each
	// round the bot passes on, it writes "paper" into the bot's stdout.
	// Both ends keep the fifo open: a line left in it when its last
	// reader closed would be lost.
	writer := exec.Command("sh", "-c", `exec 3< asked
while [ ! -s pid ]; do sleep 0.05; done
exec 4>/proc/$(cat pid)/fd/1
while read x <&3; do echo paper >&4; done`)
	writer.Dir = dir
	if err := writer.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = writer.Process.Kill(); _ = writer.Wait() })
	bot := `sh -c 'exec 5> asked; echo $$ > pid; while read l; do case "$l" in round*) echo go >&5;; quit) exit;; esac; done'`
	p := newPane(t, 80, 24)
	// Typed into bash inside double quotes: its $ must reach the bot's sh.
	p.line("cd " + dir + " && " + bin + ` --spy --opponent "` + strings.ReplaceAll(bot, "$", `\$`) + `" --rounds 2; echo EXIT=$?`)
	p.wait("round 1: the bot wrote PAPER", startWait, "round 1 · throw:", "and its output pipe")
	p.keys("s")
	p.wait("round 1: YOU WIN · scissors cut paper", stepWait)
	p.wait("round 2: the bot wrote PAPER", stepWait)
	p.keys("q")
	p.wait("EXIT=0", stepWait)
}
