package latency

import (
	"fmt"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// PlotCDF writes a CDF plot of the series to path: latency in microseconds on
// a logarithmic x axis, fraction of samples on the y axis, one line per
// series. The format follows the extension: .svg or .png. Empty series are
// left out; ErrEmpty if all are empty.
func PlotCDF(path, title string, series []Series) error {
	ext := strings.ToLower(filepath.Ext(path))
	if ext != ".svg" && ext != ".png" {
		return fmt.Errorf("plot %s: unsupported extension %q (want .svg or .png)", path, ext)
	}
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "latency (µs, log scale)"
	p.Y.Label.Text = "fraction of samples ≤ latency"
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Y.Min, p.Y.Max = 0, 1
	p.Legend.Top = false
	p.Legend.Left = false
	p.Legend.XOffs = -4
	p.Legend.YOffs = 4
	p.Add(plotter.NewGrid())
	var args []any
	for _, s := range series {
		pts, err := s.Rec.CDF()
		if err != nil {
			continue
		}
		xys := make(plotter.XYs, 0, len(pts)+1)
		// Start the step at the lowest value so each curve rises from 0.
		xys = append(xys, plotter.XY{X: float64(max(s.Rec.Histogram().Min(), 1)) / 1e3, Y: 0})
		for _, pt := range thin(pts) {
			xys = append(xys, plotter.XY{X: float64(max(pt.Value, 1)) / 1e3, Y: pt.Fraction})
		}
		args = append(args, s.Name, xys)
	}
	if len(args) == 0 {
		return ErrEmpty
	}
	if err := plotutil.AddLines(p, args...); err != nil {
		return fmt.Errorf("plot %s: %w", path, err)
	}
	if err := p.Save(9*vg.Inch, 6*vg.Inch, path); err != nil {
		return fmt.Errorf("plot %s: %w", path, err)
	}
	return nil
}

// thin drops CDF points that a plot cannot show apart: it keeps a point when
// the value moved by at least 0.5% or the fraction by at least 0.1% since
// the last kept point, and always the last point (at most ~5,000 points for
// 1 ns - 100 s, far fewer in practice), so that SVG files stay small.
func thin(pts []Point) []Point {
	if len(pts) <= 2 {
		return pts
	}
	out := []Point{pts[0]}
	for i, p := range pts[1:] {
		last := out[len(out)-1]
		if i+2 == len(pts) || float64(p.Value) >= float64(last.Value)*1.005 || p.Fraction-last.Fraction >= 0.001 {
			out = append(out, p)
		}
	}
	return out
}
