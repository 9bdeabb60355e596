package latency

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestQuantile(t *testing.T) {
	s := []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	for _, tc := range []struct {
		q    float64
		want int64
	}{{0.5, 5}, {0.99, 10}, {0.1, 1}, {0.11, 2}, {1, 10}, {0.0001, 1}} {
		if got := Quantile(s, tc.q); got != tc.want {
			t.Errorf("Quantile(1..10, %v) = %d, want %d", tc.q, got, tc.want)
		}
	}
	if Quantile(nil, 0.5) != 0 {
		t.Error("Quantile of nothing is not 0")
	}
}

// uniformBlocks draws nblocks blocks of size values uniform in [0, 1e6).
func uniformBlocks(rng *rand.Rand, nblocks, size int) Blocks {
	b := make(Blocks, nblocks)
	for i := range b {
		for range size {
			b[i] = append(b[i], rng.Int64N(1_000_000))
		}
	}
	return b
}

// TestQuantileCICoverage: over many independent data sets drawn from a known
// distribution (uniform on [0, 1e6): the median is 5e5, P99 9.9e5), the 95%
// intervals of P50 and P99 contain the true value about 95% of the time.
func TestQuantileCICoverage(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const trials = 150
	hits := map[float64]int{}
	truth := map[float64]float64{0.5: 500_000, 0.99: 990_000}
	for i := range trials {
		b := uniformBlocks(rng, 20, 100)
		for _, c := range b.QuantileCIs([]float64{0.5, 0.99}, 300, uint64(i)) {
			if c.CI.Contains(truth[c.Q]) {
				hits[c.Q]++
			}
			if !c.CI.Contains(float64(c.Estimate)) {
				t.Fatalf("trial %d q %v: estimate %d outside its interval %+v", i, c.Q, c.Estimate, c.CI)
			}
		}
	}
	// The percentile bootstrap under-covers a tail quantile a little with
	// ~20 values beyond it: P99's floor is lower.
	floor := map[float64]float64{0.5: 0.88, 0.99: 0.84}
	for q, h := range hits {
		cov := float64(h) / trials
		t.Logf("P%v coverage %.3f", q*100, cov)
		if cov < floor[q] || cov > 0.995 {
			t.Errorf("P%v: coverage %.3f of the 95%% interval, want about 0.95", q*100, cov)
		}
	}
}

// TestQuantileCIWidth: four times the blocks halve the interval (about).
func TestQuantileCIWidth(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	width := func(nblocks int) float64 {
		var sum float64
		for i := range 20 {
			c := uniformBlocks(rng, nblocks, 100).QuantileCIs([]float64{0.5}, 400, uint64(i))[0]
			sum += c.CI.Hi - c.CI.Lo
		}
		return sum / 20
	}
	w10, w40 := width(10), width(40)
	if r := w10 / w40; r < 1.6 || r > 2.5 {
		t.Errorf("width with 10 blocks %.0f, with 40 %.0f: ratio %.2f, want about 2", w10, w40, r)
	}
}

// TestBlockDrift: when whole blocks shift (drift between blocks), the
// block bootstrap's interval is wider than a naive one would be: it
// contains the centre of the drift distribution.
func TestBlockDrift(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	b := make(Blocks, 20)
	for i := range b {
		shift := rng.Int64N(400_000) // per-block drift, mean 200_000
		for range 250 {
			b[i] = append(b[i], 1_000_000+shift+rng.Int64N(1000))
		}
	}
	c := b.QuantileCIs([]float64{0.5}, 1000, 7)[0]
	if c.CI.Hi-c.CI.Lo < 50_000 {
		t.Fatalf("interval %+v ignores the drift between blocks", c.CI)
	}
	if !c.CI.Contains(1_200_000) {
		t.Logf("interval %+v misses the drift centre (possible, 5%%)", c.CI)
	}
}

// TestRatioCIPaired: a and b share each round's drift, and a is 0.8x b:
// the paired interval is narrow around 0.8 although the drift is large.
func TestRatioCIPaired(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	var a, b Blocks
	for range 20 {
		drift := 1 + rng.Float64() // x1 to x2 per round
		var xa, xb []int64
		for range 250 {
			v := 10_000 + rng.Float64()*1000
			xa = append(xa, int64(0.8*v*drift))
			xb = append(xb, int64(v*drift))
		}
		a, b = append(a, xa), append(b, xb)
	}
	est, iv := RatioCI(a, b, 0.5, 1000, 1)
	if math.Abs(est-0.8) > 0.02 || !iv.Contains(0.8) || iv.Hi-iv.Lo > 0.1 {
		t.Fatalf("ratio %.3f [%.3f, %.3f], want 0.8 with a narrow interval", est, iv.Lo, iv.Hi)
	}
	if v, _ := Judge(est, iv, 1, a.Len()); v != Pass {
		t.Fatalf("ratio <= 1: %s", v)
	}
}

func TestBlockBootstrapDeterministicAndDegenerate(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 11))
	b := uniformBlocks(rng, 10, 50)
	x := b.QuantileCIs([]float64{0.5}, 200, 42)[0]
	y := b.QuantileCIs([]float64{0.5}, 200, 42)[0]
	if x != y {
		t.Fatalf("same seed, different intervals: %+v %+v", x, y)
	}
	one := b[:1].QuantileCIs([]float64{0.5}, 200, 42)[0]
	if !math.IsNaN(one.CI.Lo) || !math.IsNaN(one.CI.Hi) {
		t.Fatalf("one block gave an interval %+v", one.CI)
	}
	if v, _ := Judge(float64(one.Estimate), one.CI, 1e9, b[:1].Len()); v != NotMeasured {
		t.Fatalf("Judge of a NaN interval = %s", v)
	}
}

func TestJudge(t *testing.T) {
	for _, tc := range []struct {
		name      string
		est       float64
		ci        Interval
		bound     float64
		n         int
		want      Verdict
		needLo    int
		needHi    int
		needExact int
	}{
		{"inside", 5, Interval{4, 6}, 10, 1000, Pass, 0, 0, 0},
		{"on the bound", 9, Interval{8, 10}, 10, 1000, Pass, 0, 0, 0},
		{"outside", 15, Interval{11, 19}, 10, 1000, Fail, 0, 0, 0},
		// half width 2 toward the bound, 1 away from it: 4x the samples
		{"straddles below", 9, Interval{8, 11}, 10, 1000, Inconclusive, 4000, 4000, 0},
		// half width 3 toward it, 1 to go: 9x
		{"straddles above", 11, Interval{8, 14}, 10, 500, Inconclusive, 4500, 4500, 0},
		{"estimate on bound", 10, Interval{9, 11}, 10, 500, Inconclusive, -1, -1, 0},
		{"nan", math.NaN(), Interval{1, 2}, 10, 500, NotMeasured, 0, 0, 0},
		{"no samples", 5, Interval{4, 6}, 10, 0, NotMeasured, 0, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, need := Judge(tc.est, tc.ci, tc.bound, tc.n)
			if v != tc.want || need < tc.needLo || need > tc.needHi {
				t.Fatalf("Judge = %s, need %d; want %s, need in [%d, %d]", v, need, tc.want, tc.needLo, tc.needHi)
			}
		})
	}
}
