package latency_test

import (
	"fmt"
	"os"

	"github.com/roshambo-game/roshambo/internal/latency"
)

func ExampleRecorder() {
	r := latency.NewRecorder()
	for v := int64(1); v <= 100; v++ {
		r.Record(v * 1000) // 1 µs .. 100 µs
	}
	s := r.Summary()
	fmt.Println(latency.FormatNs(s.P50), latency.FormatNs(s.P99), latency.FormatNs(s.Max))
	fmt.Println(latency.FormatRatio(latency.Ratio(s.P99, s.P50)))

	t := latency.Table{Header: append([]string{"reader"}, latency.SummaryHeader...)}
	t.Add(append([]string{"demo"}, latency.SummaryCells(s)...)...)
	_ = t.Write(os.Stdout)
	// Output:
	// 50.0µs 99.0µs 100µs
	// 1.98x
	// reader    n     p50     p90     p99  p99.9    max
	// -------------------------------------------------
	// demo    100  50.0µs  90.0µs  99.0µs  100µs  100µs
}
