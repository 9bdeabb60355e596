package tournament

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/roshambo-game/roshambo/game"
	"github.com/roshambo-game/roshambo/internal/testutil"
)

// TestMain lets the test binary act as an external opponent: the role
// "helper:MODE" (see helper).
func TestMain(m *testing.M) {
	testutil.Main(m, map[string]testutil.Role{"helper": helper})
}

// helper plays "rock" forever ("rock"), or dies in round 5 ("die").
func helper(mode string) int {
	if mode == "die" {
		buf := make([]byte, 1)
		rounds := 0
		for {
			if _, err := os.Stdin.Read(buf); err != nil {
				return 0
			}
			if buf[0] == '\n' {
				rounds++ // "round n" and "opponent n m" lines alternate
				if rounds == 9 {
					fmt.Fprintln(os.Stderr, "helper: bye")
					return 2
				}
				if rounds%2 == 1 {
					os.Stdout.Write([]byte("rock\n"))
				}
			}
		}
	}
	s, _ := game.NewStrategy(mode, 1)
	if err := game.ServeBot(os.Stdin, os.Stdout, s, game.ServeOptions{Commit: true}); err != nil {
		return 1
	}
	return 0
}

// slowStart is the answer timeout for helper opponents: on a loaded CI
// machine a race-enabled test binary may take seconds to start.
const slowStart = 15 * time.Second

func helperCommand(t *testing.T, mode string) []string {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(testutil.RoleEnv, "helper:"+mode)
	t.Setenv("GORACE", "atexit_sleep_ms=0")
	return []string{exe, "-test.run=^$"}
}

func TestTieMargin(t *testing.T) {
	for _, c := range [][2]int{{1000, 50}, {100, 5}, {2000, 100}, {10, 1}, {9, 0}, {0, 0}} {
		if got := TieMargin(c[0]); got != c[1] {
			t.Errorf("TieMargin(%d) = %d, want %d", c[0], got, c[1])
		}
	}
}

func TestBuiltinTournament(t *testing.T) {
	var entrants []Entrant
	for _, info := range game.StrategyNames() {
		entrants = append(entrants, Entrant{Strategy: info.Name})
	}
	res, err := Run(context.Background(), Config{Rounds: 1000, Seed: 1}, entrants)
	if err != nil {
		t.Fatal(err)
	}
	n := len(entrants)
	if len(res.Matches) != n*(n-1)/2 {
		t.Fatalf("%d matches, want %d", len(res.Matches), n*(n-1)/2)
	}
	def := -1
	for i, name := range res.Entrants {
		if name == game.DefaultStrategy {
			def = i
		}
	}
	for _, m := range res.Matches {
		if m.Played != 1000 || m.AWins+m.BWins+m.Draws != 1000 || m.Score != m.AWins-m.BWins || m.Err != "" {
			t.Errorf("match %+v", m)
		}
		if res.Cross[m.A][m.B] != -res.Cross[m.B][m.A] {
			t.Errorf("crosstable not antisymmetric at %d,%d", m.A, m.B)
		}
	}
	// The default beats every deterministic built-in by far, every other
	// one but random, and ties random.
	for j, info := range game.StrategyNames() {
		if j == def {
			continue
		}
		score := res.Cross[def][j]
		switch {
		case info.Name == "random":
			if score < -100 || score > 100 {
				t.Errorf("%s vs random: %+d, want within ±100", game.DefaultStrategy, score)
			}
		case info.Deterministic && score < 500, score <= 0:
			t.Errorf("%s vs %s: %+d", game.DefaultStrategy, info.Name, score)
		}
	}
	if res.Standings[0].Name != game.DefaultStrategy || res.Standings[0].Losses != 0 {
		t.Errorf("standings: %+v", res.Standings)
	}
	var text bytes.Buffer
	if err := res.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"1000 rounds per match", "±50", "iocaine", "rank", "total"} {
		if !strings.Contains(text.String(), s) {
			t.Errorf("text output lacks %q:\n%s", s, text.String())
		}
	}
	var js bytes.Buffer
	if err := res.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back Result
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || !reflect.DeepEqual(&back, res) {
		t.Errorf("JSON round trip: %v", err)
	}
	// Same seed, same result.
	again, _ := Run(context.Background(), Config{Rounds: 1000, Seed: 1, Parallel: 1}, entrants)
	if !reflect.DeepEqual(again.Cross, res.Cross) {
		t.Error("same seed gave a different crosstable")
	}
}

func TestExternalEntrants(t *testing.T) {
	entrants := []Entrant{
		{Strategy: "iocaine"},
		{Name: "ext-cycle", Command: helperCommand(t, "cycle")}, // commit mode
		{Strategy: "rock"},
	}
	res, err := Run(context.Background(), Config{Rounds: 100, Seed: 3, Timeout: slowStart}, entrants)
	if err != nil {
		t.Fatal(err)
	}
	if res.Cross[0][1] < 80 || res.Cross[1][2] < -20 || res.Cross[1][2] > 20 || res.TieMargin != 5 {
		t.Errorf("crosstable %v, margin %d", res.Cross, res.TieMargin)
	}
	for _, m := range res.Matches {
		if m.Err != "" || m.Played != 100 {
			t.Errorf("match %+v", m)
		}
	}
}

func TestFailingEntrantForfeits(t *testing.T) {
	entrants := []Entrant{{Strategy: "paper"}, {Name: "dier", Command: helperCommand(t, "die")}}
	res, err := Run(context.Background(), Config{Rounds: 100, Timeout: slowStart}, entrants)
	if err != nil {
		t.Fatal(err)
	}
	m := res.Matches[0]
	if m.Played != 4 || m.Outcome != "a" || m.Score != 4 || !strings.Contains(m.Err, "opponent exited") || !strings.Contains(m.Err, "helper: bye") {
		t.Errorf("match %+v", m)
	}
	var text bytes.Buffer
	res.WriteText(&text)
	if !strings.Contains(text.String(), "+4!") || !strings.Contains(text.String(), "ended early") {
		t.Errorf("text output does not flag the failed match:\n%s", text.String())
	}
}

func TestRunErrors(t *testing.T) {
	if _, err := Run(context.Background(), Config{}, []Entrant{{Strategy: "rock"}}); err == nil {
		t.Error("one entrant accepted")
	}
	if _, err := Run(context.Background(), Config{}, []Entrant{{Strategy: "rock"}, {Strategy: "spock"}}); !errors.Is(err, game.ErrUnknownStrategy) {
		t.Errorf("unknown strategy: %v", err)
	}
	if _, err := Run(context.Background(), Config{}, []Entrant{{Strategy: "rock"}, {}}); err == nil {
		t.Error("empty entrant accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, Config{}, []Entrant{{Strategy: "rock"}, {Strategy: "paper"}}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// TestJSONKeys: every key of the JSON result is snake_case, and the result
// states its ranking rule.
func TestJSONKeys(t *testing.T) {
	res, err := Run(context.Background(), Config{Rounds: 20}, []Entrant{{Strategy: "rock"}, {Strategy: "paper"}, {Strategy: "cycle"}})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := res.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal([]byte(b.String()), &doc); err != nil {
		t.Fatal(err)
	}
	snake := regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if !snake.MatchString(k) {
					t.Errorf("key %q is not snake_case", k)
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(doc)
	if m := doc.(map[string]any); m["ranking"] != RankingRule {
		t.Errorf("ranking %v", m["ranking"])
	}
}

func TestRunConfigErrors(t *testing.T) {
	if _, err := Run(context.Background(), Config{}, []Entrant{{Strategy: "nosuch"}}); !errors.Is(err, game.ErrUnknownStrategy) {
		t.Errorf("one unknown strategy: %v, want the unknown strategy named first", err)
	}
	if _, err := Run(context.Background(), Config{}, []Entrant{{Strategy: "rock"}}); !errors.Is(err, ErrTooFewEntrants) {
		t.Errorf("one entrant: %v", err)
	}
	if _, err := Run(context.Background(), Config{}, []Entrant{{Strategy: "rock"}, {Strategy: "rock", Command: []string{"x"}}}); !errors.Is(err, ErrEntrant) {
		t.Errorf("strategy and command: %v", err)
	}
}
