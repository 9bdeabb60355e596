package game

import (
	"errors"
	"flag"
	"fmt"
	"strings"
	"testing"
)

func TestParseLevel(t *testing.T) {
	tests := []struct {
		in   string
		want Level
		ok   bool
	}{
		{"easy", LevelEasy, true},
		{"Medium", LevelMedium, true},
		{" HARD ", LevelHard, true},
		{"expert", LevelExpert, true},
		{"", 0, false},
		{"insane", 0, false},
		{"iocaine", 0, false}, // a strategy, not a level
	}
	for _, tt := range tests {
		got, err := ParseLevel(tt.in)
		if tt.ok != (err == nil) || got != tt.want {
			t.Errorf("ParseLevel(%q) = %v, %v", tt.in, got, err)
		}
		if !tt.ok && !errors.Is(err, ErrUnknownLevel) {
			t.Errorf("ParseLevel(%q) error %v does not wrap ErrUnknownLevel", tt.in, err)
		}
	}
}

func TestLevels(t *testing.T) {
	ls := Levels()
	if len(ls) != 4 {
		t.Fatalf("%d levels", len(ls))
	}
	names := map[string]bool{}
	for _, info := range StrategyNames() {
		names[info.Name] = true
	}
	for i, info := range ls {
		if info.Level != Level(i+1) || info.Level.String() != info.Name || info.Level.Info() != info {
			t.Errorf("level %d: %+v", i, info)
		}
		if !names[info.Strategy] {
			t.Errorf("level %s plays unknown strategy %q", info.Name, info.Strategy)
		}
		if l, ok := LevelOf(info.Strategy); !ok || l != info.Level {
			t.Errorf("LevelOf(%q) = %v, %v", info.Strategy, l, ok)
		}
		if info.Description == "" || strings.Contains(info.Description, "\n") {
			t.Errorf("level %s: description %q is not one line", info.Name, info.Description)
		}
		s, err := NewLevelStrategy(info.Level, 1)
		if err != nil || s.Name() != info.Strategy {
			t.Errorf("NewLevelStrategy(%v) = %v, %v", info.Level, s, err)
		}
		if _, ok := s.(Explainer); !ok {
			t.Errorf("level %s: strategy %s does not explain its moves", info.Name, s.Name())
		}
		text, err := info.Level.MarshalText()
		var back Level
		if err != nil || back.UnmarshalText(text) != nil || back != info.Level {
			t.Errorf("level %s: text round trip %q, %v -> %v", info.Name, text, err, back)
		}
	}
	if LevelHard.Strategy() != "iocaine" || LevelExpert.Strategy() != DefaultStrategy {
		t.Errorf("hard plays %q and expert %q", LevelHard.Strategy(), LevelExpert.Strategy())
	}
	if DefaultLevel == LevelExpert {
		t.Error("the game's default level is the strongest; a new player should win some rounds")
	}
	for _, bad := range []Level{0, 5, 255} {
		if bad.String() == "" || bad.Strategy() != "" || bad.Info().Name != "" {
			t.Errorf("Level(%d): %q %q", uint8(bad), bad.String(), bad.Strategy())
		}
		if _, err := NewLevelStrategy(bad, 1); !errors.Is(err, ErrUnknownLevel) {
			t.Errorf("NewLevelStrategy(%d) = %v", uint8(bad), err)
		}
		if _, err := bad.MarshalText(); !errors.Is(err, ErrUnknownLevel) {
			t.Errorf("Level(%d).MarshalText() = %v", uint8(bad), err)
		}
	}
	if _, ok := LevelOf("rock"); ok {
		t.Error("LevelOf(rock) found a level")
	}
}

// TestLevelFlag checks that *Level works as a flag.Value.
func TestLevelFlag(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(new(strings.Builder))
	l := DefaultLevel
	fs.Var(&l, "level", "")
	if err := fs.Parse([]string{"--level", "hard"}); err != nil || l != LevelHard {
		t.Errorf("--level hard: %v, %v", l, err)
	}
	if err := fs.Parse([]string{"--level", "nightmare"}); err == nil || !strings.Contains(err.Error(), "unknown level") {
		t.Errorf("--level nightmare: %v", err)
	}
}

// TestLevelsRankInOrder plays the levels' round robin (20 seeds of 1000
// rounds per pair): every level must beat every weaker level on average,
// so that the standings rank them in order.
func TestLevelsRankInOrder(t *testing.T) {
	skipUnderRace(t)
	ls := Levels()
	const seeds = 20
	for i := range ls {
		for j := i + 1; j < len(ls); j++ {
			sum := 0
			var scores []int
			for seed := int64(1); seed <= seeds; seed++ {
				weak, _ := NewLevelStrategy(ls[i].Level, seed)
				strong, _ := NewLevelStrategy(ls[j].Level, seed+1000)
				d := duel(strong, weak, 1000)
				sum += d
				scores = append(scores, d)
			}
			if sum <= 0 {
				t.Errorf("%s vs %s: mean %+d per 1000 rounds, want positive (%v)", ls[j].Name, ls[i].Name, sum/seeds, scores)
			}
			t.Logf("%-6s vs %-6s mean %+5d per 1000 rounds", ls[j].Name, ls[i].Name, sum/seeds)
		}
	}
}

// TestLevelsAgainstPeople plays each level against models of people with
// common habits, in matches of 200 rounds (20 seeds): the harder the level,
// the more it wins, with expert at least about as strong as hard.
func TestLevelsAgainstPeople(t *testing.T) {
	skipUnderRace(t)
	const seeds, rounds = 20, 200
	var totals []int
	for _, lv := range Levels() {
		total := 0
		line := ""
		for _, h := range humanPanel() {
			sum := 0
			for seed := int64(1); seed <= seeds; seed++ {
				s, _ := NewLevelStrategy(lv.Level, seed)
				sum += duel(s, h.mk(seed+500), rounds)
			}
			total += sum
			line += fmt.Sprintf(" %s %+d", h.name, sum/seeds)
		}
		totals = append(totals, total/seeds)
		t.Logf("%-6s total %+4d per person:%s", lv.Name, total/seeds, line)
	}
	if !(totals[0] < totals[1] && totals[1] < totals[2]) {
		t.Errorf("easy, medium, hard win %v against people, want increasing", totals[:3])
	}
	// Expert and hard are both far ahead of people; over short matches the
	// expert, with more to learn, may trail hard slightly.
	if totals[3] < totals[2]-60 {
		t.Errorf("expert wins %+d against people, hard %+d", totals[3], totals[2])
	}
}
