package tui

import (
	"runtime"
	"runtime/debug"
	"testing"
)

var sink []byte

// TestCollectorAtPrompt: the collector collects at a prompt once the game
// has allocated its budget since the last collection, and not before; a
// collection the runtime made on its own restarts the count.
func TestCollectorAtPrompt(t *testing.T) {
	// The runtime's own trigger off, so that only the test's collections
	// happen (it would fire while the budget is being allocated).
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	const budget = 4 << 20
	c := newCollector(budget)
	if c.atPrompt() {
		t.Fatal("collected with nothing allocated")
	}
	for range budget / (64 << 10) {
		sink = make([]byte, 64<<10)
	}
	if !c.atPrompt() {
		t.Fatalf("did not collect after allocating %d bytes", budget)
	}
	_, after := c.read()
	if after != c.cycles {
		t.Fatalf("cycles %d after the collection, the collector saw %d", after, c.cycles)
	}
	if c.atPrompt() {
		t.Fatal("collected again with nothing allocated since")
	}
	for range budget / (64 << 10) {
		sink = make([]byte, 64<<10)
	}
	runtime.GC() // the runtime's own collection, as far as the collector can tell
	if c.atPrompt() {
		t.Fatal("collected right after the runtime did")
	}
}
