package game

import (
	"errors"
	"strings"
	"testing"
)

// duel plays n rounds between a and b and returns a's wins minus b's wins.
func duel(a, b Strategy, n int) int {
	d := 0
	for i := 0; i < n; i++ {
		x, y := a.Next(), b.Next()
		d += int(Judge(x, y))
		a.Update(x, y)
		b.Update(y, x)
	}
	return d
}

func TestNewStrategy(t *testing.T) {
	names := map[string]bool{}
	for _, info := range StrategyNames() {
		names[info.Name] = true
		s, err := NewStrategy(info.Name, 1)
		if err != nil {
			t.Fatal(err)
		}
		if s.Name() != info.Name {
			t.Errorf("NewStrategy(%q).Name() = %q", info.Name, s.Name())
		}
		if info.Description == "" || strings.Contains(info.Description, "\n") {
			t.Errorf("%s: description %q is not one line", info.Name, info.Description)
		}
	}
	for _, n := range []string{"random", "rock", "paper", "scissors", "cycle", "freq", "markov", "history", "iocaine", "careless", "habits", DefaultStrategy} {
		if !names[n] {
			t.Errorf("strategy %q is missing", n)
		}
	}
	if _, err := NewStrategy("spock", 1); !errors.Is(err, ErrUnknownStrategy) || !strings.Contains(err.Error(), "expert") {
		t.Errorf("NewStrategy(spock) = %v", err)
	}
}

// TestStrategiesDeterministic checks that equal names and seeds play alike,
// and that strategies marked deterministic ignore the seed.
func TestStrategiesDeterministic(t *testing.T) {
	for _, info := range StrategyNames() {
		var runs []string
		for _, seed := range []int64{5, 5, 6} {
			a, _ := NewStrategy(info.Name, seed)
			opp := NewMarkov(1)
			var b strings.Builder
			for i := 0; i < 200; i++ {
				x, y := a.Next(), opp.Next()
				b.WriteString(x.String()[:1])
				a.Update(x, y)
				opp.Update(y, x)
			}
			runs = append(runs, b.String())
		}
		if runs[0] != runs[1] {
			t.Errorf("%s: same seed, different play", info.Name)
		}
		if info.Deterministic != (runs[0] == runs[2]) {
			t.Errorf("%s: Deterministic=%v but seeds 5 and 6 play alike=%v", info.Name, info.Deterministic, runs[0] == runs[2])
		}
	}
}

// TestSimpleStrategies checks each built-in against an opponent it must beat.
func TestSimpleStrategies(t *testing.T) {
	tests := []struct {
		name string
		opp  Strategy
		min  int
	}{
		{"freq", constant(Rock), 990},
		{"markov", &cycleStrategy{}, 990},
		{"markov", &pattern{seq: []Move{Rock, Rock, Paper}}, 990},
		{"history", &pattern{seq: []Move{Rock, Paper, Paper, Scissors, Rock, Scissors, Scissors}}, 950},
	}
	for _, tt := range tests {
		s, _ := NewStrategy(tt.name, 1)
		if d := duel(s, tt.opp, 1000); d < tt.min {
			t.Errorf("%s vs %s: %+d, want at least %+d", tt.name, tt.opp.Name(), d, tt.min)
		}
	}
}

// TestStrength checks the two strongest strategies over 1000 rounds with
// several fixed seeds: each stays within ±100 of random and beats every
// deterministic built-in (the default by at least +900, iocaine by +500),
// and adversaries that are not built-ins by at least +500.
func TestStrength(t *testing.T) {
	skipUnderRace(t)
	const rounds = 1000
	type opp struct {
		name string
		mk   func(seed int64) Strategy
		min  int // least acceptable score; random: |score| <= 100
	}
	for _, tc := range []struct {
		name     string
		builtins int // least score against a deterministic built-in
	}{{DefaultStrategy, 900}, {"iocaine", 500}} {
		var opps []opp
		for _, info := range StrategyNames() {
			switch {
			case info.Name == "random":
				opps = append(opps, opp{"random", info.build, 0})
			case info.Deterministic:
				opps = append(opps, opp{info.Name, info.build, tc.builtins})
			}
		}
		opps = append(opps,
			opp{"counter-last", func(int64) Strategy { return &counterLast{} }, 500},
			opp{"double-counter", func(int64) Strategy { return &doubleCounter{} }, 500},
			opp{"anti-freq-20", func(int64) Strategy { return &antiFreqWindow{} }, 500},
			opp{"pattern-7", func(int64) Strategy {
				return &pattern{seq: []Move{Rock, Rock, Paper, Scissors, Paper, Rock, Scissors}}
			}, 500},
			opp{"win-stay-lose-shift", func(int64) Strategy { return &winStayLoseShift{} }, 500},
			opp{"phase-shifter", func(int64) Strategy { return &phaseShifter{} }, 500},
			opp{"biased-random", func(seed int64) Strategy { return &biased{rng: newRand(seed + 100)} }, 100},
			// A second copy with another seed must not run away with the
			// match either.
			opp{"twin", func(seed int64) Strategy { s, _ := NewStrategy(tc.name, seed+1000); return s }, -100},
		)
		for _, o := range opps {
			for seed := int64(1); seed <= 3; seed++ {
				s, _ := NewStrategy(tc.name, seed)
				d := duel(s, o.mk(seed), rounds)
				switch {
				case o.name == "random":
					if d < -100 || d > 100 {
						t.Errorf("%s vs random (seed %d): %+d, want within ±100", tc.name, seed, d)
					}
				case d < o.min:
					t.Errorf("%s vs %s (seed %d): %+d, want at least %+d", tc.name, o.name, seed, d, o.min)
				}
				if testing.Verbose() {
					t.Logf("%s vs %-20s seed %d: %+5d", tc.name, o.name, seed, d)
				}
			}
		}
	}
}

// TestRegistryOrderedByStrength checks that StrategyNames (and so
// roshambo-bot --list) lists the strategies weakest first: by their total
// score in a round robin of all of them (1000 rounds, seeds 1 to 3), each
// at least as strong as the one before, within one match's margin (the
// constant bots are equally weak; which of them a biased bot favours is
// chance).
func TestRegistryOrderedByStrength(t *testing.T) {
	skipUnderRace(t)
	infos := StrategyNames()
	total := make([]int, len(infos))
	for i := range infos {
		for j := i + 1; j < len(infos); j++ {
			for seed := int64(1); seed <= 3; seed++ {
				d := duel(infos[i].build(seed), infos[j].build(seed+100), 1000)
				total[i] += d
				total[j] -= d
			}
		}
	}
	for i := 1; i < len(infos); i++ {
		if total[i] < total[i-1]-3*1000 {
			t.Errorf("%s (total %+d over 3 seeds) is listed after %s (total %+d) but is weaker", infos[i].Name, total[i], infos[i-1].Name, total[i-1])
		}
	}
	t.Logf("totals over 3 seeds: %v", total)
}

// TestExpertAllocs checks that a round of the default strategy allocates
// nothing, after 10,000 rounds of history.
func TestExpertAllocs(t *testing.T) {
	s := newExpert(1)
	opp := &randomStrategy{rng: newRand(2)}
	for i := 0; i < 10_000; i++ {
		s.Update(s.Next(), opp.Next())
	}
	i := 0
	if n := testing.AllocsPerRun(1000, func() {
		s.Update(s.Next(), Moves[i%3])
		_ = s.Explain()
		i++
	}); n != 0 {
		t.Errorf("a round allocates %v times, want 0", n)
	}
}

// BenchmarkIocaine measures one round of the default strategy (Next, then
// Update, which scores every variant and prepares the next decision) after
// 10,000 rounds of history against a random opponent.
func BenchmarkIocaine(b *testing.B) {
	s := NewIocaine(1)
	opp := &randomStrategy{rng: newRand(2)}
	for i := 0; i < 10_000; i++ {
		x, y := s.Next(), opp.Next()
		s.Update(x, y)
	}
	moves := make([]Move, 1024)
	for i := range moves {
		moves[i] = opp.Next()
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x := s.Next()
		s.Update(x, moves[i%len(moves)])
	}
}

// BenchmarkStrategies measures one round of each built-in (Next, then
// Update) after 10,000 rounds of history.
func BenchmarkStrategies(b *testing.B) {
	for _, info := range StrategyNames() {
		b.Run(info.Name, func(b *testing.B) {
			s := info.build(1)
			opp := &randomStrategy{rng: newRand(2)}
			for i := 0; i < 10_000; i++ {
				s.Update(s.Next(), opp.Next())
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				s.Update(s.Next(), Moves[i%3])
			}
		})
	}
}

func TestIocainePredictors(t *testing.T) {
	if n := NewIocaine(1).Predictors(); n != 31 || len(iocainePredictorIDs) != n {
		t.Errorf("Predictors() = %d, %d names; the registry description says 31", n, len(iocainePredictorIDs))
	}
}
