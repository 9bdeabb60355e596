package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roshambo-game/roshambo/game"
	"github.com/roshambo-game/roshambo/internal/testutil"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	buildOut  []byte
	buildDir  string
)

// bot builds roshambo-bot once per test binary run, into a temporary
// directory, and returns its path.
func bot(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "roshambo-bot-test")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(buildDir, "roshambo-bot")
		cmd := exec.Command("go", "build", "-o", binPath, ".")
		buildOut, buildErr = cmd.CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("go build: %v\n%s", buildErr, buildOut)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// TestRoundTrip plays real matches against the built binary over pipes.
func TestRoundTrip(t *testing.T) {
	for _, commit := range []bool{false, true} {
		name := map[bool]string{false: "plain", true: "commit"}[commit]
		t.Run(name, func(t *testing.T) {
			argv := []string{bot(t), "--strategy", "iocaine", "--seed", "5"}
			if commit {
				argv = append(argv, "--commit")
			}
			op, err := game.StartOpponent(context.Background(), argv, game.OpponentOptions{Timeout: 15 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			rules := game.Rules{MustCommit: [2]bool{game.Bot: commit}}
			s, _ := game.NewStrategy("cycle", 0)
			m := game.NewMatch(game.Rounds(300))
			if err := game.PlayOpponent(context.Background(), s, op, m, rules); err != nil {
				t.Fatal(err)
			}
			if m.Played() != 300 || m.Score().Diff() > -200 {
				t.Errorf("cycle vs roshambo-bot: %d rounds, score %+v", m.Played(), m.Score())
			}
			if err := op.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
	}
}

// TestOneWritePerAnswer checks with strace that every answer line leaves the
// bot in a single write(2), which the spy depends on.
func TestOneWritePerAnswer(t *testing.T) {
	strace, err := exec.LookPath("strace")
	if err != nil {
		t.Skip("strace is not installed; cannot observe write(2) calls")
	}
	out := filepath.Join(t.TempDir(), "trace")
	cmd := exec.Command(strace, "-f", "-qq", "-e", "trace=write,writev", "-e", "signal=none", "-s", "200", "-o", out,
		bot(t), "--commit", "--seed", "1")
	cmd.Stdin = strings.NewReader("round 1\nopponent 1 rock\nround 2\nopponent 2 paper\nround 3\nquit\n")
	stdout, err := cmd.Output()
	if err != nil {
		if strings.Contains(err.Error(), "exit status") {
			t.Skipf("strace cannot trace here (%v): %s", err, stdout)
		}
		t.Fatal(err)
	}
	trace, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`write(v?)\(1, "(.*)", \d+\) = \d+`)
	var lines []string
	for _, l := range strings.Split(string(trace), "\n") {
		if m := re.FindStringSubmatch(l); m != nil {
			if m[1] == "v" {
				t.Errorf("answer written with writev: %s", l)
			}
			lines = append(lines, m[2])
		}
	}
	if len(lines) != 5 {
		t.Fatalf("%d writes to stdout, want 5 (3 commits, 2 reveals):\n%s", len(lines), trace)
	}
	for _, l := range lines {
		if !strings.HasSuffix(l, `\n`) || strings.Count(l, `\n`) != 1 {
			t.Errorf("write %q is not exactly one line", l)
		}
	}
	if got := strings.Count(string(stdout), "\n"); got != 5 {
		t.Errorf("stdout has %d lines:\n%s", got, stdout)
	}
}

// TestCLI: the conventions of internal/cli, on the built binary: --help,
// -h and help on stdout with exit 0, --version, and every mistake in one
// line on stderr with exit 2.
func TestCLI(t *testing.T) {
	b := bot(t)
	tests := []struct {
		args   []string
		code   int
		stdout []string // in stdout
		stderr string   // in the one line on stderr
	}{
		{[]string{"--list"}, 0, []string{"levels, weakest first", "easy", "medium", "hard", "expert", "iocaine", "markov", "random", "rock"}, ""},
		{[]string{"--help"}, 0, []string{"usage: roshambo-bot", "--level", "--explain", "--version"}, ""},
		{[]string{"-h"}, 0, []string{"usage: roshambo-bot"}, ""},
		{[]string{"help"}, 0, []string{"usage: roshambo-bot", "roshambo-bot help [tournament]"}, ""},
		{[]string{"help", "tournament"}, 0, []string{"usage: roshambo-bot tournament", "ranked\nby matches won"}, ""},
		{[]string{"tournament", "--help"}, 0, []string{"usage: roshambo-bot tournament", "--timeout D"}, ""},
		{[]string{"--version"}, 0, []string{"roshambo-bot "}, ""},
		{[]string{"tournament", "--version"}, 0, []string{"roshambo-bot tournament "}, ""},
		{[]string{"help", "nope"}, 2, nil, "roshambo-bot: help nope: no such command"},
		{[]string{"--bogus"}, 2, nil, "roshambo-bot: unknown flag --bogus (see roshambo-bot --help)"},
		{[]string{"tournament", "--bogus"}, 2, nil, "roshambo-bot tournament: unknown flag --bogus (see roshambo-bot tournament --help)"},
		{[]string{"--strategy", "spock"}, 2, nil, "unknown strategy"},
		{[]string{"--level", "nightmare"}, 2, nil, "unknown level"},
		{[]string{"--seed", "x"}, 2, nil, "--seed x:"},
		{[]string{"--explain-format", "xml", "--explain"}, 2, nil, "--explain-format xml: must be text or game"},
		{[]string{"--level", "easy", "--strategy", "rock"}, 2, nil, "exclude each other"},
		{[]string{"--list", "--commit"}, 2, nil, "--list excludes the other flags"},
		{[]string{"--explain-format", "game"}, 2, nil, "--explain-format needs --explain"},
		{[]string{"--strategy", "rock", "--explain"}, 2, nil, "does not explain"},
		{[]string{"extra"}, 2, nil, "unexpected argument"},
		{[]string{"tournament", "--rounds", "100", "rock", "paper", "iocaine"}, 0, []string{"100 rounds per match", "±5", "rank"}, ""},
		{[]string{"tournament", "rock", "spock"}, 2, nil, `strategy "spock": unknown strategy`},
		{[]string{"tournament", "--opponent", `"unterminated`, "rock"}, 2, nil, "unterminated"},
		{[]string{"tournament", "--rounds", "0"}, 2, nil, "--rounds 0: must be a whole number from 1 to 1000000"},
		{[]string{"tournament", "--rounds", "1000001"}, 2, nil, "--rounds 1000001: must be a whole number from 1 to 1000000"},
		{[]string{"tournament", "--timeout", "0"}, 2, nil, "--timeout 0: must be from 1ms to 1h0m0s"},
		{[]string{"tournament", "--timeout", "2h"}, 2, nil, "--timeout 2h: must be from 1ms to 1h0m0s"},
	}
	for _, tt := range tests {
		cmd := exec.Command(b, tt.args...)
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		lines := strings.Count(stderr.String(), "\n")
		if code != tt.code || !strings.Contains(stderr.String(), tt.stderr) || (tt.stderr == "") != (stderr.Len() == 0) || lines > 1 {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and one line with %q", tt.args, code, stderr.String(), tt.code, tt.stderr)
		}
		for _, w := range tt.stdout {
			if !strings.Contains(stdout.String(), w) {
				t.Errorf("%v: stdout lacks %q:\n%s", tt.args, w, stdout.String())
			}
		}
	}
}

func TestTournamentWithExternalOpponent(t *testing.T) {
	b := bot(t)
	out, err := exec.Command(b, "tournament", "--rounds", "200", "--json", "--timeout", "15s",
		"--opponent", b+" --strategy cycle --commit --seed 2", "iocaine", "rock").Output()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var res struct {
		Entrants []string
		Cross    [][]int
		Matches  []struct{ Err string }
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(res.Entrants) != 3 || !strings.HasPrefix(res.Entrants[2], "roshambo-bot") {
		t.Fatalf("entrants %q", res.Entrants)
	}
	if res.Cross[0][2] < 150 {
		t.Errorf("iocaine vs external cycle: %+d", res.Cross[0][2])
	}
	for _, m := range res.Matches {
		if m.Err != "" {
			t.Errorf("match error: %s", m.Err)
		}
	}
}

// TestList checks that --list prints the levels, weakest first, then every
// strategy in the registry's order (weakest first), one line each.
func TestList(t *testing.T) {
	out, err := exec.Command(bot(t), "--list").Output()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, l := range game.Levels() {
		want = append(want, l.Name+" ")
	}
	for _, info := range game.StrategyNames() {
		want = append(want, info.Name+" ")
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != len(want)+2 { // two headings
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want)+2, out)
	}
	i := 0
	for _, l := range lines {
		if !strings.HasPrefix(l, "  ") {
			continue // a heading
		}
		if !strings.HasPrefix(strings.TrimSpace(l), want[i]) {
			t.Errorf("line %q, want %q first", l, want[i])
		}
		i++
	}
}

// TestLevelAndExplain plays a session with --level and --explain: the bot
// plays the level's strategy (the same moves as the strategy in-process with
// the same seed), stdout carries only the protocol, and stderr explains each
// round.
func TestLevelAndExplain(t *testing.T) {
	for _, lv := range game.Levels() {
		t.Run(lv.Name, func(t *testing.T) {
			const rounds = 30
			var in strings.Builder
			human := []game.Move{game.Rock, game.Paper, game.Paper, game.Scissors}
			for n := 1; n <= rounds; n++ {
				fmt.Fprintf(&in, "round %d\nopponent %d %v\n", n, n, human[n%len(human)])
			}
			in.WriteString("quit\n")
			cmd := exec.Command(bot(t), "--level", lv.Name, "--seed", "9", "--explain")
			cmd.Stdin = strings.NewReader(in.String())
			var stdout, stderr strings.Builder
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("%v\n%s", err, stderr.String())
			}
			s, _ := game.NewStrategy(lv.Strategy, 9)
			moves := strings.Split(strings.TrimSpace(stdout.String()), "\n")
			explained := strings.Split(strings.TrimSpace(stderr.String()), "\n")
			if len(moves) != rounds || len(explained) != rounds {
				t.Fatalf("%d moves and %d explanations for %d rounds\nstdout:\n%s\nstderr:\n%s", len(moves), len(explained), rounds, stdout.String(), stderr.String())
			}
			for n := 1; n <= rounds; n++ {
				want := s.Next()
				if moves[n-1] != want.String() {
					t.Fatalf("round %d: the bot threw %q, %s in-process throws %v", n, moves[n-1], lv.Strategy, want)
				}
				h := human[n%len(human)]
				prefix := fmt.Sprintf("round %d: you threw %v, the bot threw %v, ", n, h, want)
				if !strings.HasPrefix(explained[n-1], prefix) || !strings.Contains(explained[n-1], ". It ") {
					t.Errorf("explanation %q, want it to start %q", explained[n-1], prefix)
				}
				s.Update(want, h)
			}
		})
	}
}

// TestExplainForTheGame: --explain-format game writes one machine-readable
// line per round on stderr, for roshambo's panel.
func TestExplainForTheGame(t *testing.T) {
	cmd := exec.Command(bot(t), "--level", "hard", "--seed", "3", "--explain", "--explain-format", "game")
	cmd.Stdin = strings.NewReader("round 1\nopponent 1 rock\nround 2\nopponent 2 paper\nquit\n")
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	moves := strings.Fields(stdout.String())
	if len(lines) != 2 || len(moves) != 2 {
		t.Fatalf("stdout %q, stderr %q", stdout.String(), stderr.String())
	}
	for i, l := range lines {
		n, e, ok := game.ParseExplanationLine(l)
		if !ok || n != i+1 || e.Move.String() != moves[i] {
			t.Errorf("line %q: round %d, %+v, %v; want round %d explaining %s", l, n, e, ok, i+1, moves[i])
		}
	}
}

// TestREADME: the README's section on the bot names exactly the flags that
// roshambo-bot --help and roshambo-bot help tournament list.
func TestREADME(t *testing.T) {
	var usage []byte
	for _, args := range [][]string{{"--help"}, {"help", "tournament"}} {
		out, err := exec.Command(bot(t), args...).Output()
		if err != nil {
			t.Fatalf("roshambo-bot %v: %v", args, err)
		}
		usage = append(usage, out...)
	}
	testutil.CheckFlagsDocumented(t, string(usage), testutil.READMESection(t, "Opponents"), "roshambo-bot")
}
