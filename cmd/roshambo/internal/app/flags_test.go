package app

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"github.com/roshambo-game/roshambo/game"
)

func TestParseFlags(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		format game.Format
		err    string // the one line on stderr, in part
	}{
		{nil, game.Endless(), ""},
		{[]string{"--rounds", "5"}, game.Rounds(5), ""},
		{[]string{"--first-to", "3", "--bot", "cycle", "--seed", "1"}, game.FirstTo(3), ""},
		{[]string{"--endless"}, game.Endless(), ""},
		{[]string{"--rounds", "0"}, game.Format{}, "--rounds 0: must be a whole number from 1 to 1000000"},
		{[]string{"--rounds", "-1"}, game.Format{}, "--rounds -1: must be"},
		{[]string{"--first-to", "1000001"}, game.Format{}, "--first-to 1000001: must be"},
		{[]string{"--rounds", "5", "--first-to", "3"}, game.Format{}, "exclude each other"},
		{[]string{"--rounds", "5", "--endless"}, game.Format{}, "exclude each other"},
		{[]string{"--bot", "nosuch"}, game.Format{}, `roshambo: --bot: strategy "nosuch": unknown strategy (known: `},
		{[]string{"--seed", "x"}, game.Format{}, `--seed "x": must be an integer`},
		{[]string{"--timeout", "0"}, game.Format{}, "--timeout 0: must be from 10ms to 10m0s"},
		{[]string{"--timeout", "-1s"}, game.Format{}, "--timeout -1s: must be from 10ms"},
		{[]string{"--timeout", "soon"}, game.Format{}, "--timeout soon: must be a duration"},
		{[]string{"--escdelay", "5000"}, game.Format{}, "--escdelay 5000: must be a whole number of milliseconds from 0 to 1000"},
		{[]string{"--escdelay", "-1"}, game.Format{}, "0 to 1000"},
		{[]string{"--escdelay", "x"}, game.Format{}, "0 to 1000"},
		{[]string{"--escdelay", "0"}, game.Endless(), ""},
		{[]string{"--opponent", "'unterminated"}, game.Format{}, "a single quote is not closed"},
		{[]string{"--opponent", "my-bot", "--bot", "cycle"}, game.Format{}, "cannot be used with --opponent"},
		{[]string{"--opponent", "my-bot", "--seed", "3"}, game.Format{}, "cannot be used with --opponent"},
		{[]string{"--opponent", "my-bot", "--level", "easy"}, game.Format{}, "cannot be used with --opponent"},
		{[]string{"--level", "hard", "--bot", "cycle"}, game.Format{}, "--level and --bot exclude each other"},
		{[]string{"--level", "godlike"}, game.Format{}, "--level godlike: unknown level"},
		{[]string{"--level", "expert"}, game.Endless(), ""},
		{[]string{"extra"}, game.Format{}, `unexpected argument "extra"`},
		{[]string{"--nosuch"}, game.Format{}, "unknown flag --nosuch"},
		{[]string{"--rounds"}, game.Format{}, "--rounds needs a value"},
	} {
		var stdout, stderr bytes.Buffer
		o, done, code := ParseFlags(tc.args, &stdout, &stderr)
		if tc.err != "" {
			line := stderr.String()
			if !done || code != ExitUsage || !strings.Contains(line, tc.err) || strings.Count(line, "\n") != 1 ||
				!strings.HasPrefix(line, "roshambo: ") || !strings.HasSuffix(line, "(see roshambo --help)\n") || stdout.Len() != 0 {
				t.Errorf("%q: done %v, exit %d, stderr %q; want exit 2 and one line with %q", tc.args, done, code, line, tc.err)
			}
			continue
		}
		if done || o.Format() != tc.format {
			t.Errorf("%q: format %v, done %v (stderr %q); want %v", tc.args, o.Format(), done, stderr.String(), tc.format)
		}
	}
}

// TestLevels: the game plays a level (medium by default), and names it.
func TestLevels(t *testing.T) {
	for _, tc := range []struct {
		args []string
		bot  string
		name string
	}{
		{nil, game.DefaultLevel.Strategy(), game.DefaultLevel.String() + " (" + game.DefaultLevel.Strategy() + ")"},
		{[]string{"--level", "easy"}, game.LevelEasy.Strategy(), "easy (" + game.LevelEasy.Strategy() + ")"},
		{[]string{"--bot", "iocaine"}, "iocaine", "hard (iocaine)"},
		{[]string{"--bot", "cycle"}, "cycle", "cycle"},
	} {
		o, done, _ := ParseFlags(tc.args, io.Discard, io.Discard)
		if done || o.Bot != tc.bot || BotName(o, nil) != tc.name {
			t.Errorf("%q: bot %q, name %q (done %v); want %q, %q", tc.args, o.Bot, BotName(o, nil), done, tc.bot, tc.name)
		}
	}
}

// TestHelpAndVersion: --help and -h print the usage on stdout and exit 0;
// --version prints one line.
func TestHelpAndVersion(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"--version"}} {
		var stdout, stderr bytes.Buffer
		_, done, code := ParseFlags(args, &stdout, &stderr)
		if !done || code != ExitOK || stderr.Len() != 0 {
			t.Errorf("%q: done %v, exit %d, stderr %q", args, done, code, stderr.String())
		}
		if args[0] == "--version" {
			if !strings.HasPrefix(stdout.String(), "roshambo ") || strings.Count(stdout.String(), "\n") != 1 {
				t.Errorf("--version: %q", stdout.String())
			}
			continue
		}
		for _, want := range []string{"usage: roshambo [play] [flags]", "--opponent CMD", "--timeout D", "(default 2s)", "Exit codes"} {
			if !strings.Contains(stdout.String(), want) {
				t.Errorf("%q: usage lacks %q:\n%s", args, want, stdout.String())
			}
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

func TestParseFlagsHot(t *testing.T) {
	var stdout, stderr bytes.Buffer
	o, done, code := ParseFlags([]string{"--hot"}, &stdout, &stderr)
	if done || code != 0 || !o.Hot {
		t.Fatalf("--hot: done %v, code %d, Hot %v; stderr %s", done, code, o.Hot, stderr.String())
	}
	if o, _, _ = ParseFlags(nil, &stdout, &stderr); o.Hot {
		t.Fatal("hot mode on without --hot")
	}
	if _, done, code := ParseFlags([]string{"--hot=maybe"}, &stdout, &stderr); !done || code != 2 {
		t.Fatalf("--hot=maybe: done %v, code %d, want a usage error", done, code)
	}
}
