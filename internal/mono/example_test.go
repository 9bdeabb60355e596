package mono_test

import (
	"fmt"
	"time"

	"github.com/roshambo-game/roshambo/internal/mono"
)

// Stamp an event when it is captured and measure, later, how long it took to
// reach its handler.
func Example() {
	captured := mono.Now()
	time.Sleep(time.Millisecond) // the event travels to its handler
	latency := time.Duration(mono.Since(captured))
	fmt.Println(latency >= time.Millisecond)
	// Output: true
}
