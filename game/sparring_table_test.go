package game

import (
	"flag"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
)

// sparringPartner is one opponent of the default in TestSparring.
type sparringPartner struct {
	name, kind string // kind: "partner", "deterministic", "random" or "built-in"
	about      string
	mk         func(seed int64) Strategy
}

// sparringPartners returns the public-bot partners (test-only, written from
// their descriptions), then every built-in strategy.
func sparringPartners() []sparringPartner {
	ps := []sparringPartner{
		{"iocaine-powder", "partner", "Iocaine Powder (Egnor, 1st RoShamBo competition 1999)",
			func(s int64) Strategy { return newIocainePowder(s) }},
		{"greenberg", "partner", "Greenberg (Nagorko, 2nd RoShamBo competition 2000)",
			func(s int64) Strategy { return newGreenberg(s) }},
		{"bumblepuppy", "partner", "Centrifugal Bumblepuppy (dllu, rpscontest.com)",
			func(s int64) Strategy { return newBumblepuppy(s) }},
		{"dllu1", "partner", "dllu1 (dllu, rpscontest.com)",
			func(s int64) Strategy { return newDllu1(s) }},
		{"meta-fix", "partner", "RPS Meta Fix (TeleZ, rpscontest.com)",
			func(s int64) Strategy { return newMetaFix(s) }},
		{"bayes", "partner", "naive Bayes, bayes14 / testing please ignore style (rpscontest.com)",
			func(s int64) Strategy { return newBayesBot(s) }},
		{"going-meta", "partner", "decayed-score ensemble with counter-policies (Kaggle 2020-21 gold write-up)",
			func(s int64) Strategy { return newGoingMeta(s) }},
		{"bandit", "partner", "Dirichlet bandit over the partners and their beaters (Kaggle 2020-21 winner's design)",
			func(s int64) Strategy { return newBanditBot(s) }},
	}
	for _, info := range StrategyNames() {
		kind := "built-in"
		switch {
		case info.Name == "random":
			kind = "random"
		case info.Deterministic:
			kind = "deterministic"
		}
		ps = append(ps, sparringPartner{info.Name, kind, info.Description, info.build})
	}
	return ps
}

// sparringRow is one line of the table: the default's scores against one
// opponent, one 1000-round match per seed.
type sparringRow struct {
	sparringPartner
	scores          []int
	mean, halfWidth float64 // mean and half-width of its 95% interval
}

// The table's shape: the default plays seed s, the opponent seed 1000+s,
// for s = first..first+seeds-1 (1..20 unless told), 1000 rounds a match.
// -sparring.seeds, -sparring.first and -sparring.only (a comma-separated
// list of opponents) change it for a closer look, e.g.
//
//	go test -run 'TestSparring$' -v ./game/ -args -sparring.seeds=100 -sparring.only=bandit
var (
	sparringSeeds = flag.Int("sparring.seeds", 20, "TestSparring: seeds per opponent (at least 2)")
	sparringFirst = flag.Int("sparring.first", 1, "TestSparring: the first seed (held-out seeds: e.g. 101)")
	sparringOnly  = flag.String("sparring.only", "", "TestSparring: comma-separated opponents to play (default all)")
	// -sparring.strategy plays another strategy in the default's place,
	// for comparison; only the default's table is checked.
	sparringStrategy = flag.String("sparring.strategy", DefaultStrategy, "TestSparring: the strategy to measure")
)

const sparringRounds = 1000

// tQuantile975 returns the 97.5% quantile of Student's t distribution with
// df degrees of freedom (Cornish-Fisher expansion; 2.093 for 19, within
// 0.2% from 5 up).
func tQuantile975(df int) float64 {
	const z = 1.959964
	n := float64(df)
	return z + (z*z*z+z)/(4*n) + (5*math.Pow(z, 5)+16*z*z*z+3*z)/(96*n*n) +
		(3*math.Pow(z, 7)+19*math.Pow(z, 5)+17*z*z*z-15*z)/(384*n*n*n)
}

// sparringTable plays strategy name against every opponent, over seeds
// first to first+seeds-1, on every core.
func sparringTable(name string, opps []sparringPartner, first, seeds int) []sparringRow {
	rows := make([]sparringRow, len(opps))
	type job struct{ row, seed int }
	jobs := make(chan job)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				seed := int64(first + j.seed)
				me, err := NewStrategy(name, seed)
				if err != nil {
					panic(err)
				}
				rows[j.row].scores[j.seed] = duel(me, opps[j.row].mk(1000+seed), sparringRounds)
			}
		}()
	}
	for i, o := range opps {
		rows[i] = sparringRow{sparringPartner: o, scores: make([]int, seeds)}
		for s := 0; s < seeds; s++ {
			jobs <- job{i, s}
		}
	}
	close(jobs)
	wg.Wait()
	for i := range rows {
		r := &rows[i]
		for _, x := range r.scores {
			r.mean += float64(x)
		}
		r.mean /= float64(len(r.scores))
		var ss float64
		for _, x := range r.scores {
			ss += (float64(x) - r.mean) * (float64(x) - r.mean)
		}
		n := len(r.scores)
		r.halfWidth = tQuantile975(n-1) * math.Sqrt(ss/float64(n-1)) / math.Sqrt(float64(n))
	}
	return rows
}

// sparringGaps are the partners that the default does not beat, with what
// was measured. Against them the test asks only that the default does not
// lose by more than sparringGapLimit on average (a guard against
// regressions), and logs the result.
var sparringGaps = map[string]string{
	// None today. The last, bandit (-7.5 over 100 seeds), closed when the
	// expert began to draw its meta level's candidate by exponential
	// weights: +2.7 over 1000 seeds, a small lead (docs/BENCHMARKS.md).
}

const sparringGapLimit = -15

// TestSparring is the default strategy's acceptance test against the
// strongest publicly described bots and the built-ins, 20 seeds x 1000
// rounds each: its mean must be positive against every public-bot partner
// (sparringGaps excepted: see there), at least +900 against every
// deterministic built-in and within ±100 of random. With -v it prints the
// table of docs/BENCHMARKS.md:
//
//	go test -run 'TestSparring$' -v ./game/
func TestSparring(t *testing.T) {
	skipUnderRace(t)
	if *sparringSeeds < 2 {
		t.Fatalf("-sparring.seeds=%d: need at least 2 for an interval", *sparringSeeds)
	}
	opps := sparringPartners()
	if *sparringOnly != "" {
		var some []sparringPartner
		for _, o := range opps {
			if slices.Contains(strings.Split(*sparringOnly, ","), o.name) {
				some = append(some, o)
			}
		}
		if len(some) == 0 {
			t.Fatalf("-sparring.only=%q names no opponent", *sparringOnly)
		}
		opps = some
	}
	name := *sparringStrategy
	if _, err := NewStrategy(name, 1); err != nil {
		t.Fatalf("-sparring.strategy: %v", err)
	}
	if *sparringFirst < 1 {
		t.Fatalf("-sparring.first=%d: seeds start at 1", *sparringFirst)
	}
	rows := sparringTable(name, opps, *sparringFirst, *sparringSeeds)
	var b strings.Builder
	fmt.Fprintf(&b, "| opponent | what it is | mean | 95%% interval | min | max |\n|---|---|---|---|---|---|\n")
	for _, r := range rows {
		lo, hi := r.scores[0], r.scores[0]
		for _, x := range r.scores {
			lo, hi = min(lo, x), max(hi, x)
		}
		fmt.Fprintf(&b, "| %s | %s | %+.1f | %+.1f to %+.1f | %+d | %+d |\n",
			r.name, r.about, r.mean, r.mean-r.halfWidth, r.mean+r.halfWidth, lo, hi)
		switch {
		case name != DefaultStrategy:
		case r.kind == "partner":
			if gap, ok := sparringGaps[r.name]; ok {
				if r.mean < sparringGapLimit {
					t.Errorf("%s vs %s: mean %+.1f, worse than the known gap allows (%+d; %s)", name, r.name, r.mean, sparringGapLimit, gap)
				}
				t.Logf("%s vs %s: mean %+.1f ± %.1f, not beaten (known gap: %s)", name, r.name, r.mean, r.halfWidth, gap)
				break
			}
			if r.mean <= 0 {
				t.Errorf("%s vs %s: mean %+.1f, want positive (scores %v)", name, r.name, r.mean, r.scores)
			}
		case r.kind == "deterministic":
			if r.mean < 900 {
				t.Errorf("%s vs %s: mean %+.1f, want at least +900 (scores %v)", name, r.name, r.mean, r.scores)
			}
		case r.kind == "random":
			if math.Abs(r.mean) > 100 {
				t.Errorf("%s vs random: mean %+.1f, want within ±100 (scores %v)", name, r.mean, r.scores)
			}
		}
	}
	t.Logf("%s, seeds %d to %d x %d rounds:\n%s", name, *sparringFirst, *sparringFirst+*sparringSeeds-1, sparringRounds, b.String())
}

func TestTQuantile(t *testing.T) {
	for _, c := range []struct {
		df   int
		want float64
	}{{5, 2.571}, {9, 2.262}, {19, 2.093}, {39, 2.023}, {99, 1.984}} {
		if got := tQuantile975(c.df); math.Abs(got-c.want) > 0.002*c.want {
			t.Errorf("tQuantile975(%d) = %.4f, want %.3f", c.df, got, c.want)
		}
	}
}

// TestSparringPartnersPlay plays a short match between the default and each
// partner (also under the race detector, which TestSparring skips): every
// move is valid and the match is reproducible.
func TestSparringPartnersPlay(t *testing.T) {
	for _, p := range sparringPartners()[:8] {
		var runs [2]int
		for i := range runs {
			me, _ := NewStrategy(DefaultStrategy, 1)
			opp := p.mk(2)
			for n := 0; n < 60; n++ {
				x, y := me.Next(), opp.Next()
				if !x.Valid() || !y.Valid() {
					t.Fatalf("%s round %d: %v vs %v", p.name, n+1, x, y)
				}
				runs[i] += int(Judge(x, y))
				me.Update(x, y)
				opp.Update(y, x)
			}
		}
		if runs[0] != runs[1] {
			t.Errorf("%s: same seeds, scores %d and %d", p.name, runs[0], runs[1])
		}
	}
}
