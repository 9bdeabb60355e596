package latency

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSummary(t *testing.T) {
	tests := []struct {
		name   string
		values []int64
		want   Summary // compared within 0.1% (HdrHistogram precision)
	}{
		{"1..1000", seq(1, 1000), Summary{Count: 1000, Min: 1, P50: 500, P90: 900, P99: 990, P999: 999, Max: 1000}},
		{"constant", []int64{42_000, 42_000, 42_000}, Summary{Count: 3, Min: 42_000, P50: 42_000, P90: 42_000, P99: 42_000, P999: 42_000, Max: 42_000}},
		{"outlier", append(repeat(10_000, 999), 5_000_000), Summary{Count: 1000, Min: 10_000, P50: 10_000, P90: 10_000, P99: 10_000, P999: 10_000, Max: 5_000_000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewRecorder()
			r.RecordAll(tt.values)
			got := r.Summary()
			if got.Count != tt.want.Count {
				t.Errorf("Count = %d, want %d", got.Count, tt.want.Count)
			}
			check := func(field string, g, w int64) {
				if math.Abs(float64(g-w)) > float64(w)*0.001+1 {
					t.Errorf("%s = %d, want %d (±0.1%%)", field, g, w)
				}
			}
			check("Min", got.Min, tt.want.Min)
			check("P50", got.P50, tt.want.P50)
			check("P90", got.P90, tt.want.P90)
			check("P99", got.P99, tt.want.P99)
			check("P999", got.P999, tt.want.P999)
			check("Max", got.Max, tt.want.Max)
			if !(got.P50 <= got.P90 && got.P90 <= got.P99 && got.P99 <= got.P999 && got.P999 <= got.Max) {
				t.Errorf("percentiles not ordered: %+v", got)
			}
		})
	}
}

func TestRecordClamps(t *testing.T) {
	r := NewRecorder()
	r.Record(0)
	r.Record(-5)
	r.Record(HighestValue * 2)
	r.Record(100)
	if r.Count() != 4 || r.Clamped() != 3 {
		t.Fatalf("Count=%d Clamped=%d, want 4, 3", r.Count(), r.Clamped())
	}
	if s := r.Summary(); s.Min != 1 {
		t.Errorf("Min = %d, want 1", s.Min)
	}
}

func TestEmpty(t *testing.T) {
	r := NewRecorder()
	if s := r.Summary(); s != (Summary{}) {
		t.Errorf("empty Summary = %+v", s)
	}
	if _, err := r.CDF(); err != ErrEmpty {
		t.Errorf("CDF err = %v, want ErrEmpty", err)
	}
	if r.Quantile(0.5) != 0 {
		t.Error("Quantile of empty recorder != 0")
	}
	if err := WriteCDF(&bytes.Buffer{}, []Series{{"x", r}}, 40, 10); err != ErrEmpty {
		t.Errorf("WriteCDF err = %v, want ErrEmpty", err)
	}
}

func TestCDF(t *testing.T) {
	r := NewRecorder()
	r.RecordAll(seq(1, 100))
	pts, err := r.CDF()
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) != 100 {
		t.Fatalf("%d points, want 100 (values below 2048 are exact)", len(pts))
	}
	for i := 1; i < len(pts); i++ {
		if pts[i].Value <= pts[i-1].Value || pts[i].Fraction <= pts[i-1].Fraction {
			t.Fatalf("CDF not increasing at %d: %+v %+v", i, pts[i-1], pts[i])
		}
	}
	if last := pts[len(pts)-1]; last.Fraction != 1 || last.Value != 100 {
		t.Errorf("last point %+v, want {100 1}", last)
	}
	if f := fractionAt(pts, 50); f != 0.5 {
		t.Errorf("fractionAt(50) = %v, want 0.5", f)
	}
	if f := fractionAt(pts, 0); f != 0 {
		t.Errorf("fractionAt(0) = %v, want 0", f)
	}
}

func TestRatioAndFormat(t *testing.T) {
	if !math.IsNaN(Ratio(1, 0)) {
		t.Error("Ratio(1,0) is not NaN")
	}
	if Ratio(5, 10) != 0.5 {
		t.Error("Ratio(5,10) != 0.5")
	}
	for _, tt := range []struct {
		ns   int64
		want string
	}{
		{850, "850ns"}, {1_234, "1.23µs"}, {12_345, "12.3µs"}, {250_000, "250µs"}, {250_400_000, "250ms"}, {4_560_000, "4.56ms"}, {45_600_000, "45.6ms"}, {1_200_000_000, "1.20s"},
	} {
		if got := FormatNs(tt.ns); got != tt.want {
			t.Errorf("FormatNs(%d) = %q, want %q", tt.ns, got, tt.want)
		}
	}
	for _, tt := range []struct {
		x    float64
		want string
	}{{math.NaN(), "-"}, {0.5, "0.50x"}, {12.34, "12.3x"}, {250, "250x"}} {
		if got := FormatRatio(tt.x); got != tt.want {
			t.Errorf("FormatRatio(%v) = %q, want %q", tt.x, got, tt.want)
		}
	}
}

func TestTable(t *testing.T) {
	tb := Table{Title: "T", Header: []string{"reader", "p50"}}
	tb.Add("osfile", "24.0µs")
	tb.Add("roshambo", "9.00µs")
	var b bytes.Buffer
	if err := tb.Write(&b); err != nil {
		t.Fatal(err)
	}
	want := "T\nreader       p50\n----------------\nosfile    24.0µs\nroshambo  9.00µs\n"
	if b.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestWriteCDFAndHistogram(t *testing.T) {
	a, b := NewRecorder(), NewRecorder()
	a.RecordAll(seq(1_000, 2_000))
	b.RecordAll(seq(10_000, 20_000))
	var out bytes.Buffer
	if err := WriteCDF(&out, []Series{{"fast", a}, {"slow", b}}, 60, 10); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{"# fast", "o slow", "100% |", "(log scale)"} {
		if !strings.Contains(s, want) {
			t.Errorf("CDF chart lacks %q:\n%s", want, s)
		}
	}
	// The fast series reaches 100% left of where the slow one starts.
	top := strings.Split(s, "\n")[0]
	if i, j := strings.IndexByte(top, '#'), strings.IndexByte(top, 'o'); i < 0 || j < 0 || i >= j {
		t.Errorf("top row %q: want fast (#) before slow (o)", top)
	}
	out.Reset()
	if err := WriteHistogram(&out, b, 8, 30); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "\n"); n != 8 {
		t.Errorf("histogram has %d lines, want 8:\n%s", n, out.String())
	}
	var total int64
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		f := strings.Fields(line)
		var c int64
		for _, ch := range f[len(f)-1] {
			c = c*10 + int64(ch-'0')
		}
		total += c
	}
	if total != b.Count() {
		t.Errorf("histogram counts sum to %d, want %d", total, b.Count())
	}
}

func TestPlotCDF(t *testing.T) {
	a := NewRecorder()
	a.RecordAll(seq(1_000, 50_000))
	dir := t.TempDir()
	for _, name := range []string{"cdf.svg", "cdf.png"} {
		path := filepath.Join(dir, name)
		if err := PlotCDF(path, "test", []Series{{"a", a}, {"empty", NewRecorder()}}); err != nil {
			t.Fatalf("PlotCDF(%s): %v", name, err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if name == "cdf.svg" && !bytes.Contains(data, []byte("<svg")) {
			t.Errorf("%s is not an SVG", name)
		}
		if name == "cdf.png" && !bytes.HasPrefix(data, []byte("\x89PNG")) {
			t.Errorf("%s is not a PNG", name)
		}
	}
	if err := PlotCDF(filepath.Join(dir, "x.gif"), "t", []Series{{"a", a}}); err == nil {
		t.Error("PlotCDF accepted .gif")
	}
	if err := PlotCDF(filepath.Join(dir, "x.svg"), "t", []Series{{"e", NewRecorder()}}); err != ErrEmpty {
		t.Errorf("PlotCDF of empty series: %v, want ErrEmpty", err)
	}
}

func TestThin(t *testing.T) {
	r := NewRecorder()
	r.RecordAll(seq(1, 200_000))
	pts, _ := r.CDF()
	th := thin(pts)
	if len(th) >= len(pts)/2 || len(th) < 100 {
		t.Errorf("thin kept %d of %d points", len(th), len(pts))
	}
	if th[0] != pts[0] || th[len(th)-1] != pts[len(pts)-1] {
		t.Error("thin dropped the first or last point")
	}
	for i := 1; i < len(th); i++ {
		if th[i].Value <= th[i-1].Value || th[i].Fraction < th[i-1].Fraction {
			t.Fatalf("thinned points not increasing at %d", i)
		}
	}
}

func TestRecordDoesNotAllocate(t *testing.T) {
	r := NewRecorder()
	if n := testing.AllocsPerRun(1000, func() { r.Record(12345) }); n != 0 {
		t.Errorf("Record allocates %v times", n)
	}
}

func seq(lo, hi int64) []int64 {
	var s []int64
	for v := lo; v <= hi; v++ {
		s = append(s, v)
	}
	return s
}

func repeat(v int64, n int) []int64 {
	s := make([]int64, n)
	for i := range s {
		s[i] = v
	}
	return s
}
