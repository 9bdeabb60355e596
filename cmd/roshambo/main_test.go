package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roshambo-game/roshambo/cmd/roshambo/internal/app"
	"github.com/roshambo-game/roshambo/cmd/roshambo/internal/keyview"
	"github.com/roshambo-game/roshambo/internal/testutil"
)

// TestMain: in the role "main" (testutil.RoleEnv) the test binary runs
// main's dispatch instead of the tests, so that the tests drive exactly what
// the roshambo binary does.
func TestMain(m *testing.M) {
	testutil.Main(m, map[string]testutil.Role{"main": func(string) int { return run(os.Args[1:]) }})
}

// binary returns a path named roshambo that runs main (this test binary in
// main mode).
func binary(t *testing.T) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "roshambo")
	if err := os.Symlink(self, bin); err != nil {
		t.Fatal(err)
	}
	return bin
}

// TestStdinNotATerminal: every command refuses a stdin that is not a
// terminal with exit code 2 and its own message, which also shows which
// command the dispatch chose: no subcommand and "play" start the game,
// "keys" the key viewer.
func TestStdinNotATerminal(t *testing.T) {
	bin := binary(t)
	const viewer = "roshambo keys: stdin is not a terminal (the key viewer needs an interactive terminal)\n"
	const game = "roshambo: stdin is not a terminal (the game needs an interactive terminal)\n"
	for _, tc := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"keys"}, viewer},
		{[]string{"keys", "--escdelay", "5"}, viewer},
		{[]string{}, game},
		{[]string{"--bot", "cycle", "--seed", "1"}, game},
		{[]string{"play"}, game},
		{[]string{"play", "--rounds", "3"}, game},
	} {
		cmd := exec.Command(bin, tc.args...)
		cmd.Env = testutil.Environ("main", "")
		devnull, err := os.Open(os.DevNull)
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stdin = devnull
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err = cmd.Run()
		devnull.Close()
		code := cmd.ProcessState.ExitCode()
		if code != 2 || stderr.String() != tc.stderr {
			t.Errorf("roshambo %v < /dev/null: exit %d (%v), stderr %q; want exit 2 and %q",
				tc.args, code, err, stderr.String(), tc.stderr)
		}
	}
}

// TestCLI: the binary's conventions, as a user meets them: --help, -h and
// help on stdout with exit 0, --version, and every mistake in one line on
// stderr with exit 2.
func TestCLI(t *testing.T) {
	bin := binary(t)
	cases := []struct {
		args   []string
		code   int
		stdout string // in stdout
		stderr string // the one line on stderr, in part
	}{
		{[]string{"--help"}, 0, "usage: roshambo [play] [flags]", ""},
		{[]string{"-h"}, 0, "usage: roshambo [play] [flags]", ""},
		{[]string{"help"}, 0, "flags of play:", ""},
		{[]string{"help", "play"}, 0, "flags of play:", ""},
		{[]string{"help", "keys"}, 0, "usage: roshambo keys", ""},
		{[]string{"keys", "--help"}, 0, "usage: roshambo keys", ""},
		{[]string{"--version"}, 0, "roshambo ", ""},
		{[]string{"keys", "--version"}, 0, "roshambo keys ", ""},
		{[]string{"help", "nope"}, 2, "", "help nope: no such command"},
		{[]string{"bogus"}, 2, "", `roshambo: unknown command "bogus"`},
		{[]string{"--bogus"}, 2, "", "roshambo: unknown flag --bogus (see roshambo --help)"},
		{[]string{"keys", "--escdelay", "x"}, 2, "", "roshambo keys: --escdelay x: must be"},
		{[]string{"keys", "--escdelay", "2000"}, 2, "", "--escdelay 2000: must be a whole number of milliseconds from 0 to 1000"},
		{[]string{"keys", "extra"}, 2, "", `unexpected argument "extra"`},
		{[]string{"--bot", "nosuch"}, 2, "", `roshambo: --bot: strategy "nosuch": unknown strategy (known: `},
		{[]string{"--rounds", "0"}, 2, "", "--rounds 0: must be a whole number from 1 to 1000000"},
		{[]string{"--timeout", "0"}, 2, "", "--timeout 0: must be from 10ms to 10m0s"},
		{[]string{"play", "--rounds", "2", "--first-to", "2"}, 2, "", "exclude each other"},
		{[]string{"--opponent", "./bot", "--seed", "2"}, 2, "", "cannot be used with --opponent"},
		{[]string{"__bot", "--nope"}, 2, "", "roshambo __bot: unknown flag --nope (see roshambo __bot --help)"},
		{[]string{"__bot", "--strategy", "x"}, 2, "", `roshambo __bot: strategy "x": unknown strategy`},
	}
	for _, tc := range cases {
		cmd := exec.Command(bin, tc.args...)
		cmd.Env = testutil.Environ("main", "")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		_ = cmd.Run()
		code := cmd.ProcessState.ExitCode()
		ok := code == tc.code && strings.Contains(stdout.String(), tc.stdout)
		if tc.code == 0 {
			ok = ok && stderr.Len() == 0
		} else {
			ok = ok && stdout.Len() == 0 && strings.Count(stderr.String(), "\n") == 1 && strings.Contains(stderr.String(), tc.stderr)
		}
		if !ok {
			t.Errorf("roshambo %q: exit %d, stdout %q, stderr %q; want exit %d, stdout with %q, stderr with %q",
				tc.args, code, stdout.String(), stderr.String(), tc.code, tc.stdout, tc.stderr)
		}
	}
}

var tmuxN atomic.Int32

// tmux runs tmux on the test's private server.
type tmux struct {
	t    *testing.T
	sock string
}

func (x *tmux) run(args ...string) string {
	x.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", x.sock}, args...)...).CombinedOutput()
	if err != nil {
		x.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (x *tmux) capture() string { return x.run("capture-pane", "-p", "-t", "t") }

// wait polls the pane until every re matches, or fails after a deadline.
func (x *tmux) wait(what string, res ...*regexp.Regexp) string {
	x.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		s := x.capture()
		ok := true
		for _, re := range res {
			if !re.MatchString(s) {
				ok = false
			}
		}
		if ok {
			return s
		}
		if time.Now().After(deadline) {
			x.t.Fatalf("pane never showed %s; pane:\n%s", what, s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitForeground polls until the pane's foreground process (the leader of
// the terminal's foreground process group, as tmux reports it) is named
// name, or fails after a deadline.
func (x *tmux) waitForeground(what, name string) {
	x.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		got := strings.TrimSpace(x.run("display-message", "-p", "-t", "t", "#{pane_current_command}"))
		if got == name {
			return
		}
		if time.Now().After(deadline) {
			x.t.Fatalf("%s: the pane's foreground process is %q, want %q; pane:\n%s", what, got, name, x.capture())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestTmuxKeys(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (CI installs it): skipping the tmux key viewer test")
	}
	bin := binary(t)
	x := &tmux{t: t, sock: fmt.Sprintf("roshambo-keys-test-%d-%d", os.Getpid(), tmuxN.Add(1))}
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", x.sock, "kill-server").Run() })
	x.run("-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", "120", "-y", "40", "sh")
	x.run("send-keys", "-t", "t", "env "+testutil.RoleEnviron("main", "")+" "+bin+" keys; echo EXIT=$?", "Enter")
	// The DA1 reply to the kitty query marks the end of detection.
	x.wait("the viewer's header", regexp.MustCompile(`(?m)^kitty keyboard protocol: (on|off)`))
	x.waitForeground("the viewer", "roshambo")

	x.run("send-keys", "-t", "t", "a", "b")
	x.run("send-keys", "-t", "t", "-l", "é✓")
	x.run("send-keys", "-t", "t", "C-Up", "M-Left", "S-Right")
	x.run("send-keys", "-t", "t", "Escape")
	line := func(hex, readable, event string) *regexp.Regexp {
		return regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(hex) + ` +` + regexp.QuoteMeta(readable) + ` +` +
			regexp.QuoteMeta(event) + ` +\d+\.\d µs`)
	}
	want := []*regexp.Regexp{
		line("61", "a", "Rune 'a'"),
		line("62", "b", "Rune 'b'"),
		line("c3 a9", "é", "Rune 'é'"),
		line("e2 9c 93", "✓", "Rune '✓'"),
		line("1b 5b 31 3b 35 41", "CSI 1;5A", "Ctrl+Up"),
		line("1b 5b 31 3b 33 44", "CSI 1;3D", "Alt+Left"),
		line("1b 5b 31 3b 32 43", "CSI 1;2C", "Shift+Right"),
		line("1b", "ESC", "Esc"),
	}
	x.wait("the decoded keys", want...)
	// Ctrl-Z suspends (the shell reports the stopped job); fg resumes and
	// the viewer decodes keys again.
	// Each key below is sent only once the program that must read it is
	// ready for it: a key typed too early would be read by the wrong
	// program (the viewer, still running after its last line, would eat
	// the shell's next command) or in the wrong mode (cooked, echoed).
	x.run("send-keys", "-t", "t", "C-z")
	x.wait("the stopped job", regexp.MustCompile(`(?m)Stopped|suspended|\[1\]\+`))
	x.waitForeground("the shell after Ctrl-Z", "sh")
	x.run("send-keys", "-t", "t", "fg", "Enter")
	// The Repaint line is written after raw mode is back on (SIGCONT).
	x.wait("the repaint after fg", regexp.MustCompile(`(?m)^- +- +Repaint \d+x\d+ +-`))
	x.run("send-keys", "-t", "t", "x")
	x.wait("a key after fg", line("78", "x", "Rune 'x'"))
	x.run("send-keys", "-t", "t", "C-c")
	x.wait("Ctrl-C", line("03", "^C", "Ctrl+'c'"))
	// The viewer has printed its last line but may still be reading:
	// type the next command only when the shell has the terminal back.
	x.waitForeground("the shell after Ctrl-C", "sh")
	// "; echo EXIT=$?" ran at the stop: after fg, $? is the viewer's status.
	x.run("send-keys", "-t", "t", "echo EXIT-AFTER-FG=$?", "Enter")
	x.wait("the exit", regexp.MustCompile(`(?m)(^|# )EXIT-AFTER-FG=0$`))

	x.run("send-keys", "-t", "t", "stty -a; echo STTY-DONE", "Enter")
	s := x.wait("stty -a", regexp.MustCompile(`(?m)^STTY-DONE$`))
	for _, flag := range []string{"icanon", "echo", "isig"} {
		if !regexp.MustCompile(`(^|\s)` + flag + `(\s|$)`).MatchString(s) {
			t.Errorf("stty -a after exit lacks %q:\n%s", flag, s)
		}
		if regexp.MustCompile(`(^|\s)-` + flag + `(\s|$)`).MatchString(s) {
			t.Errorf("stty -a after exit shows -%s:\n%s", flag, s)
		}
	}
}

// TestREADME: the README's section on the game names exactly the flags
// that roshambo --help and roshambo keys --help list.
func TestREADME(t *testing.T) {
	var usage bytes.Buffer
	app.Usage(&usage)
	keyview.Usage(&usage)
	testutil.CheckFlagsDocumented(t, usage.String(), testutil.READMESection(t, "Playing"), "roshambo")
}
