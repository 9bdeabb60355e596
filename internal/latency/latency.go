// Package latency records latency samples in nanoseconds and reports them:
// percentiles from an HdrHistogram (P50, P90, P99, P99.9, max), ratios
// between series, text tables, an in-terminal CDF chart and histogram, and a
// CDF plot (SVG or PNG) drawn with gonum/plot.
//
// It knows nothing about what is measured: the capture benchmark and the spy
// benchmark both feed it plain nanosecond values.
package latency

import (
	"errors"
	"fmt"
	"math"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// Range of values a Recorder tracks: 1 ns to 100 s, 3 significant figures
// (a recorded value is within 0.1% of the true value).
const (
	LowestValue  = 1
	HighestValue = 100_000_000_000
	SigFigs      = 3
)

// ErrEmpty is returned by operations that need at least one recorded value.
var ErrEmpty = errors.New("latency: no values recorded")

// Recorder accumulates nanosecond values in an HdrHistogram.
//
// A Recorder is not safe for concurrent use: record from one goroutine (or
// synchronize), then summarize. Record does not allocate.
type Recorder struct {
	h        *hdrhistogram.Histogram
	clamped  int64 // values outside [LowestValue, HighestValue], stored clamped
	rawCount int64
}

// NewRecorder returns an empty Recorder.
func NewRecorder() *Recorder {
	return &Recorder{h: hdrhistogram.New(LowestValue, HighestValue, SigFigs)}
}

// Record adds one value in nanoseconds. Values below 1 ns are recorded as
// 1 ns and values above HighestValue as HighestValue; Clamped counts them.
func (r *Recorder) Record(ns int64) {
	if ns < LowestValue {
		ns = LowestValue
		r.clamped++
	} else if ns > HighestValue {
		ns = HighestValue
		r.clamped++
	}
	// In range by construction, so RecordValue cannot fail.
	_ = r.h.RecordValue(ns)
	r.rawCount++
}

// RecordAll records every value of vs.
func (r *Recorder) RecordAll(vs []int64) {
	for _, v := range vs {
		r.Record(v)
	}
}

// Count is the number of values recorded.
func (r *Recorder) Count() int64 { return r.rawCount }

// Clamped is the number of values that were outside the trackable range.
func (r *Recorder) Clamped() int64 { return r.clamped }

// Quantile returns the value at quantile q (0 < q <= 1), 0 if empty.
func (r *Recorder) Quantile(q float64) int64 {
	if r.rawCount == 0 {
		return 0
	}
	return r.h.ValueAtQuantile(q * 100)
}

// Histogram exposes the underlying HdrHistogram (read-only use).
func (r *Recorder) Histogram() *hdrhistogram.Histogram { return r.h }

// Summary holds the figures every report prints, in nanoseconds.
type Summary struct {
	Count int64   `json:"count"`
	Min   int64   `json:"min_ns"`
	P50   int64   `json:"p50_ns"`
	P90   int64   `json:"p90_ns"`
	P99   int64   `json:"p99_ns"`
	P999  int64   `json:"p999_ns"`
	Max   int64   `json:"max_ns"`
	Mean  float64 `json:"mean_ns"`
}

// Summary computes the report figures. Percentiles are HdrHistogram's
// (within 0.1%); Max is the highest equivalent value of the largest sample.
func (r *Recorder) Summary() Summary {
	if r.rawCount == 0 {
		return Summary{}
	}
	return Summary{
		Count: r.rawCount,
		Min:   r.h.Min(),
		P50:   r.h.ValueAtQuantile(50),
		P90:   r.h.ValueAtQuantile(90),
		P99:   r.h.ValueAtQuantile(99),
		P999:  r.h.ValueAtQuantile(99.9),
		Max:   r.h.Max(),
		Mean:  r.h.Mean(),
	}
}

// Point is one step of a cumulative distribution: the fraction of values
// (0..1) that are <= Value nanoseconds.
type Point struct {
	Value    int64
	Fraction float64
}

// CDF returns the cumulative distribution as increasing points, one per
// distinct histogram bucket that holds values. ErrEmpty if nothing recorded.
func (r *Recorder) CDF() ([]Point, error) {
	if r.rawCount == 0 {
		return nil, ErrEmpty
	}
	bars := r.h.Distribution()
	total := float64(r.h.TotalCount())
	var pts []Point
	var cum int64
	for _, b := range bars {
		if b.Count == 0 {
			continue
		}
		cum += b.Count
		pts = append(pts, Point{Value: b.To, Fraction: float64(cum) / total})
	}
	return pts, nil
}

// Ratio returns a/b, or NaN when b is 0 (no meaningful ratio).
func Ratio(a, b int64) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

// FormatRatio prints a ratio with 2 significant decimals, "-" for NaN.
func FormatRatio(x float64) string {
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		return "-"
	case x >= 100:
		return fmt.Sprintf("%.0fx", x)
	case x >= 10:
		return fmt.Sprintf("%.1fx", x)
	default:
		return fmt.Sprintf("%.2fx", x)
	}
}

// FormatNs prints a duration in nanoseconds with a unit chosen for it:
// "850ns", "12.3µs", "250µs", "4.56ms", "1.20s".
func FormatNs(ns int64) string {
	f := float64(ns)
	switch {
	case ns < 1_000:
		return fmt.Sprintf("%dns", ns)
	case ns < 10_000:
		return fmt.Sprintf("%.2fµs", f/1e3)
	case ns < 100_000:
		return fmt.Sprintf("%.1fµs", f/1e3)
	case ns < 1_000_000:
		return fmt.Sprintf("%.0fµs", f/1e3)
	case ns < 10_000_000:
		return fmt.Sprintf("%.2fms", f/1e6)
	case ns < 100_000_000:
		return fmt.Sprintf("%.1fms", f/1e6)
	case ns < 1_000_000_000:
		return fmt.Sprintf("%.0fms", f/1e6)
	default:
		return fmt.Sprintf("%.2fs", f/1e9)
	}
}
