package latency

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"unicode/utf8"
)

// Table is a text table with a header row, printed with aligned columns.
// Cells that look numeric (start with a digit, '-', '+' or '.') are
// right-aligned, others left-aligned.
type Table struct {
	Title  string
	Header []string
	Rows   [][]string
}

// Add appends one row.
func (t *Table) Add(cells ...string) { t.Rows = append(t.Rows, cells) }

// SummaryHeader is the header of the columns SummaryCells returns.
var SummaryHeader = []string{"n", "p50", "p90", "p99", "p99.9", "max"}

// SummaryCells formats a Summary as table cells matching SummaryHeader.
func SummaryCells(s Summary) []string {
	return []string{fmt.Sprint(s.Count), FormatNs(s.P50), FormatNs(s.P90), FormatNs(s.P99), FormatNs(s.P999), FormatNs(s.Max)}
}

func numeric(s string) bool {
	if s == "" {
		return false
	}
	c := s[0]
	return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.'
}

// Write prints the table.
func (t *Table) Write(w io.Writer) error {
	ncol := len(t.Header)
	for _, r := range t.Rows {
		ncol = max(ncol, len(r))
	}
	width := make([]int, ncol)
	measure := func(r []string) {
		for i, c := range r {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	measure(t.Header)
	for _, r := range t.Rows {
		measure(r)
	}
	var b strings.Builder
	if t.Title != "" {
		b.WriteString(t.Title)
		b.WriteByte('\n')
	}
	line := func(r []string, header bool) {
		for i := 0; i < ncol; i++ {
			c := ""
			if i < len(r) {
				c = r[i]
			}
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			if i > 0 {
				b.WriteString("  ")
			}
			if !header && numeric(c) || header && i > 0 {
				b.WriteString(pad + c)
			} else {
				b.WriteString(c + pad)
			}
		}
		b.WriteByte('\n')
	}
	line(t.Header, true)
	total := 0
	for i, wd := range width {
		total += wd
		if i > 0 {
			total += 2
		}
	}
	b.WriteString(strings.Repeat("-", total))
	b.WriteByte('\n')
	for _, r := range t.Rows {
		line(r, false)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Series is a named Recorder, one line of a chart or plot.
type Series struct {
	Name string
	Rec  *Recorder
}

// seriesSymbols mark the series of a text chart, in order.
const seriesSymbols = "#o+x*=@%&$ABCDEFGH"

// fractionAt returns the fraction of values <= v from CDF points.
func fractionAt(pts []Point, v int64) float64 {
	i := sort.Search(len(pts), func(i int) bool { return pts[i].Value > v })
	if i == 0 {
		return 0
	}
	return pts[i-1].Fraction
}

// WriteCDF draws the cumulative distributions of the series as a text chart
// of the given size (in character cells, at least 20x5) with a logarithmic
// latency axis, followed by a legend. Empty series are left out.
func WriteCDF(w io.Writer, series []Series, width, height int) error {
	width, height = max(width, 20), max(height, 5)
	type curve struct {
		name string
		pts  []Point
	}
	var cs []curve
	lo, hi := int64(math.MaxInt64), int64(0)
	for _, s := range series {
		pts, err := s.Rec.CDF()
		if err != nil {
			continue
		}
		cs = append(cs, curve{s.Name, pts})
		lo = min(lo, max(s.Rec.Histogram().Min(), 1))
		hi = max(hi, s.Rec.Histogram().Max())
	}
	if len(cs) == 0 {
		return ErrEmpty
	}
	if hi <= lo {
		hi = lo + 1
	}
	llo, lhi := math.Log(float64(lo)), math.Log(float64(hi))
	valueAt := func(x int) int64 {
		return int64(math.Exp(llo + (lhi-llo)*float64(x)/float64(width-1)))
	}
	grid := make([][]byte, height)
	for r := range grid {
		grid[r] = []byte(strings.Repeat(" ", width))
	}
	for i, c := range cs {
		sym := seriesSymbols[i%len(seriesSymbols)]
		for x := 0; x < width; x++ {
			f := fractionAt(c.pts, valueAt(x))
			if f == 0 {
				continue
			}
			row := height - 1 - int(math.Round(f*float64(height-1)))
			grid[row][x] = sym
		}
	}
	var b strings.Builder
	for r := range grid {
		frac := 1 - float64(r)/float64(height-1)
		fmt.Fprintf(&b, "%4.0f%% |%s\n", frac*100, strings.TrimRight(string(grid[r]), " "))
	}
	b.WriteString("      +" + strings.Repeat("-", width) + "\n")
	// Axis labels at the left, middle and right of the latency axis.
	left, mid, right := FormatNs(valueAt(0)), FormatNs(valueAt(width/2)), FormatNs(valueAt(width-1))
	axis := []byte(strings.Repeat(" ", width+8))
	copy(axis[7:], left)
	copy(axis[7+width/2-len(mid)/2:], mid)
	copy(axis[max(7, 7+width-len(right)):], right)
	b.WriteString(strings.TrimRight(string(axis), " ") + "   (log scale)\n")
	for i, c := range cs {
		fmt.Fprintf(&b, "  %c %s\n", seriesSymbols[i%len(seriesSymbols)], c.name)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteHistogram draws rec as a horizontal-bar histogram with the given
// number of logarithmic buckets between its min and max, bars up to width
// cells long.
func WriteHistogram(w io.Writer, rec *Recorder, buckets, width int) error {
	if rec.Count() == 0 {
		return ErrEmpty
	}
	buckets, width = max(buckets, 1), max(width, 10)
	h := rec.Histogram()
	lo, hi := float64(max(h.Min(), 1)), float64(h.Max())
	if hi <= lo {
		hi = lo + 1
	}
	edges := make([]int64, buckets+1)
	for i := range edges {
		edges[i] = int64(math.Ceil(lo * math.Pow(hi/lo, float64(i)/float64(buckets))))
	}
	edges[buckets] = h.Max()
	counts := make([]int64, buckets)
	for _, bar := range h.Distribution() {
		if bar.Count == 0 {
			continue
		}
		i := sort.Search(buckets, func(i int) bool { return edges[i+1] >= bar.To })
		counts[min(i, buckets-1)] += bar.Count
	}
	var peak int64
	for _, c := range counts {
		peak = max(peak, c)
	}
	var b strings.Builder
	for i, c := range counts {
		n := int(math.Round(float64(c) / float64(peak) * float64(width)))
		if c > 0 && n == 0 {
			n = 1
		}
		fmt.Fprintf(&b, "%9s %s %d\n", "≤"+FormatNs(edges[i+1]), strings.Repeat("█", n), c)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
