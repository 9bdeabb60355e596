package app

import (
	"bytes"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"github.com/roshambo-game/roshambo/game"
)

func TestSplitCommand(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
		err  bool
	}{
		{"roshambo-bot --strategy cycle", []string{"roshambo-bot", "--strategy", "cycle"}, false},
		{`sh -c 'read l; echo rock'`, []string{"sh", "-c", "read l; echo rock"}, false},
		{`python3 "my bot.py"  x\ y`, []string{"python3", "my bot.py", "x y"}, false},
		{`a "b\"c"`, []string{"a", `b"c`}, false},
		{`a ''`, []string{"a", ""}, false},
		{"   ", nil, true},
		{`a 'b`, nil, true},
		{`a \`, nil, true},
	} {
		got, err := SplitCommand(tc.in)
		if (err != nil) != tc.err || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("SplitCommand(%q) = %q, %v; want %q, error %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestParseFlags(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		format game.Format
		err    string
	}{
		{nil, game.Endless(), ""},
		{[]string{"--rounds", "5"}, game.Rounds(5), ""},
		{[]string{"--first-to", "3", "--bot", "cycle", "--seed", "1"}, game.FirstTo(3), ""},
		{[]string{"--endless"}, game.Endless(), ""},
		{[]string{"--rounds", "5", "--first-to", "3"}, game.Format{}, "exclude each other"},
		{[]string{"--bot", "nosuch"}, game.Format{}, "nosuch"},
		{[]string{"--seed", "x"}, game.Format{}, "not an integer"},
		{[]string{"--escdelay", "5000"}, game.Format{}, "0 to 1000"},
		{[]string{"--escdelay", "-1"}, game.Format{}, "0 to 1000"},
		{[]string{"--escdelay", "x"}, game.Format{}, "0 to 1000"},
		{[]string{"--escdelay", "0"}, game.Endless(), ""},
		{[]string{"--opponent", "'unterminated"}, game.Format{}, "unterminated"},
		{[]string{"extra"}, game.Format{}, "unexpected argument"},
	} {
		var stderr bytes.Buffer
		o, err := ParseFlags(tc.args, &stderr)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want one containing %q", tc.args, err, tc.err)
			}
			continue
		}
		if err != nil || o.Format() != tc.format {
			t.Errorf("%q: format %v, error %v; want %v", tc.args, o.Format(), err, tc.format)
		}
	}
}

// TestBotArgv: without roshambo-bot next to the executable or in PATH, the
// game re-executes itself in bot mode, and that bot plays the protocol.
func TestBotArgv(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	argv, err := BotArgv(Options{Bot: "cycle", Seed: 7, Commit: true})
	if err != nil {
		t.Fatal(err)
	}
	self, _ := os.Executable()
	want := []string{self, BotCommand, "--strategy", "cycle", "--seed", "7", "--commit"}
	if !reflect.DeepEqual(argv, want) {
		t.Fatalf("argv %q, want %q", argv, want)
	}
	cmd := exec.Command(argv[0], append(argv[1:len(argv)-1], []string{}...)...)
	cmd.Stdin = strings.NewReader("round 1\nopponent 1 paper\nround 2\nquit\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("bot mode: %v", err)
	}
	if string(out) != "rock\npaper\n" {
		t.Errorf("bot mode answered %q, want rock then paper", out)
	}
}

// TestNotATerminal: stdin or stdout that is not a terminal is a clear error
// with exit code 2.
func TestNotATerminal(t *testing.T) {
	cmd := exec.Command(gameBinary(t, true), "--bot", "cycle")
	cmd.Stdin = strings.NewReader("")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != ExitUsage {
		t.Fatalf("exit %v, want code %d", err, ExitUsage)
	}
	if got := stderr.String(); got != "roshambo: stdin is not a terminal (the game needs an interactive terminal)\n" {
		t.Errorf("stderr %q", got)
	}
}

// shellQuote quotes w for SplitCommand (and sh).
func shellQuote(w string) string { return "'" + strings.ReplaceAll(w, "'", `'\''`) + "'" }

// FuzzSplitCommand: SplitCommand never panics, and the words it returns,
// quoted again, split back to the same words.
func FuzzSplitCommand(f *testing.F) {
	f.Add(`sh -c 'read l; echo rock'`)
	f.Add(`a "b\"c" d\ e`)
	f.Fuzz(func(t *testing.T, s string) {
		words, err := SplitCommand(s)
		if err != nil {
			return
		}
		q := make([]string, len(words))
		for i, w := range words {
			q[i] = shellQuote(w)
		}
		again, err := SplitCommand(strings.Join(q, " "))
		if err != nil || !reflect.DeepEqual(again, words) {
			t.Fatalf("%q -> %q -> %q (%v)", s, words, again, err)
		}
	})
}
