package latency

import (
	"math"
	"math/rand/v2"
	"slices"
)

// Confidence is the coverage of the intervals this package computes.
const Confidence = 0.95

// DefaultResamples is the number of bootstrap resamples BlockBootstrap draws
// when asked for 0.
const DefaultResamples = 1000

// Interval is a confidence interval [Lo, Hi].
type Interval struct{ Lo, Hi float64 }

// Contains reports whether x lies in the interval.
func (iv Interval) Contains(x float64) bool { return iv.Lo <= x && x <= iv.Hi }

// Quantile returns the nearest-rank q-quantile (0 < q <= 1) of sorted: the
// smallest value with at least q of the values at or below it. 0 if empty.
func Quantile(sorted []int64, q float64) int64 {
	if len(sorted) == 0 {
		return 0
	}
	k := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[min(max(k, 0), len(sorted)-1)]
}

// BlockBootstrap computes percentile-bootstrap confidence intervals of
// statistics of data made of n blocks (runs of samples taken together: a
// block is the unit that host drift moves as a whole, so blocks, not
// samples, are resampled). Each of the resamples draws n block indices with
// replacement and calls stat with them, which writes one value per
// statistic into out (len(out) == nstats). It returns, per statistic, the
// central Confidence interval of those values. The same seed gives the same
// intervals. n < 2 gives intervals of NaN (nothing to resample).
func BlockBootstrap(n, nstats, resamples int, seed uint64, stat func(idx []int, out []float64)) []Interval {
	ivs := make([]Interval, nstats)
	if n < 2 || nstats == 0 {
		for i := range ivs {
			ivs[i] = Interval{math.NaN(), math.NaN()}
		}
		return ivs
	}
	if resamples <= 0 {
		resamples = DefaultResamples
	}
	rng := rand.New(rand.NewPCG(seed, 0x626f6f74))
	idx := make([]int, n)
	out := make([]float64, nstats)
	vals := make([][]float64, nstats)
	for i := range vals {
		vals[i] = make([]float64, 0, resamples)
	}
	for range resamples {
		for i := range idx {
			idx[i] = rng.IntN(n)
		}
		stat(idx, out)
		for i, v := range out {
			vals[i] = append(vals[i], v)
		}
	}
	alpha := (1 - Confidence) / 2
	for i, v := range vals {
		v = slices.DeleteFunc(v, math.IsNaN)
		if len(v) == 0 {
			ivs[i] = Interval{math.NaN(), math.NaN()}
			continue
		}
		slices.Sort(v)
		ivs[i] = Interval{quantileF(v, alpha), quantileF(v, 1-alpha)}
	}
	return ivs
}

// quantileF is the linearly interpolated q-quantile of sorted.
func quantileF(sorted []float64, q float64) float64 {
	pos := q * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(sorted)-1)
	return sorted[lo] + (pos-float64(lo))*(sorted[hi]-sorted[lo])
}

// Blocks is a series split into blocks (one slice of ns values per block).
// Its methods compute statistics of the whole series and of block
// resamples.
type Blocks [][]int64

// Len is the number of values over all blocks.
func (b Blocks) Len() int {
	n := 0
	for _, x := range b {
		n += len(x)
	}
	return n
}

// Sorted returns every value of the blocks picked by idx (all blocks when
// idx is nil), sorted, reusing buf.
func (b Blocks) Sorted(idx []int, buf []int64) []int64 {
	buf = buf[:0]
	if idx == nil {
		for _, x := range b {
			buf = append(buf, x...)
		}
	} else {
		for _, i := range idx {
			buf = append(buf, b[i]...)
		}
	}
	slices.Sort(buf)
	return buf
}

// QuantileCI is a quantile's estimate over all blocks and its confidence
// interval (bootstrap over blocks).
type QuantileCI struct {
	Q        float64
	Estimate int64
	CI       Interval
}

// QuantileCIs returns the estimates and intervals of the quantiles qs of
// the series.
func (b Blocks) QuantileCIs(qs []float64, resamples int, seed uint64) []QuantileCI {
	all := b.Sorted(nil, nil)
	buf := make([]int64, 0, len(all))
	ivs := BlockBootstrap(len(b), len(qs), resamples, seed, func(idx []int, out []float64) {
		buf = b.Sorted(idx, buf)
		for i, q := range qs {
			out[i] = float64(Quantile(buf, q))
		}
	})
	res := make([]QuantileCI, len(qs))
	for i, q := range qs {
		res[i] = QuantileCI{Q: q, Estimate: Quantile(all, q), CI: ivs[i]}
	}
	return res
}

// RatioCI is the ratio of the q-quantiles of two series measured side by
// side, block i of a with block i of b (the same round of an interleaved
// run), and its interval from a paired bootstrap: each resample picks the
// same rounds for both, so drift shared by a round cancels. a and b must
// have the same number of blocks.
func RatioCI(a, b Blocks, q float64, resamples int, seed uint64) (float64, Interval) {
	sa, sb := a.Sorted(nil, nil), b.Sorted(nil, nil)
	est := math.NaN()
	if qb := Quantile(sb, q); qb != 0 {
		est = float64(Quantile(sa, q)) / float64(qb)
	}
	bufA, bufB := make([]int64, 0, len(sa)), make([]int64, 0, len(sb))
	iv := BlockBootstrap(min(len(a), len(b)), 1, resamples, seed, func(idx []int, out []float64) {
		bufA, bufB = a.Sorted(idx, bufA), b.Sorted(idx, bufB)
		qa, qb := Quantile(bufA, q), Quantile(bufB, q)
		if qb == 0 || len(bufA) == 0 {
			out[0] = math.NaN()
			return
		}
		out[0] = float64(qa) / float64(qb)
	})
	return est, iv[0]
}

// Verdict is a goal's outcome judged with an interval.
type Verdict string

// Verdicts.
const (
	Pass         Verdict = "PASS"         // the interval lies inside the bound
	Fail         Verdict = "FAIL"         // the interval lies outside the bound
	Inconclusive Verdict = "INCONCLUSIVE" // the interval straddles the bound
	NotMeasured  Verdict = "N/A"          // no figures
)

// Judge judges "the statistic is at most bound" from its estimate, its
// interval and the n samples behind it. PASS when the whole interval is at
// or below bound, FAIL when it is all above, INCONCLUSIVE otherwise; then
// need is the sample count at which the interval (its width shrinking as
// 1/sqrt(n)) would clear the bound on the estimate's side, or -1 when no
// sample count can (the estimate sits on the bound). need is 0 for PASS and
// FAIL.
func Judge(estimate float64, ci Interval, bound float64, n int) (v Verdict, need int) {
	switch {
	case math.IsNaN(estimate) || math.IsNaN(ci.Lo) || math.IsNaN(ci.Hi) || n <= 0:
		return NotMeasured, 0
	case ci.Hi <= bound:
		return Pass, 0
	case ci.Lo > bound:
		return Fail, 0
	}
	var half, gap float64
	if estimate <= bound {
		half, gap = ci.Hi-estimate, bound-estimate
	} else {
		half, gap = estimate-ci.Lo, estimate-bound
	}
	if gap <= 0 || half <= 0 {
		return Inconclusive, -1
	}
	f := half / gap
	need = int(math.Ceil(float64(n) * f * f))
	return Inconclusive, max(need, n+1)
}
