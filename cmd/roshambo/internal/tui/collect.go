package tui

import (
	"runtime"
	"runtime/metrics"
)

// collectAfter is how much the game may allocate between two garbage
// collections before it collects at the next prompt. The game allocates
// some 30 KiB a round (composing frames, the protocol's lines), and the
// runtime's own trigger (GOGC=100, a 4 MB minimum heap) would fire after
// about 3 MB, at whatever moment the allocation falls: often while a key's
// frame is on its way, which the collection then delays by a millisecond or
// more. Collecting at 1 MB, right after a prompt is drawn, keeps the
// runtime's trigger from being reached in ordinary play.
const collectAfter = 1 << 20

// collector runs the garbage collector at the moment the game can best
// afford it: just after a round's prompt is drawn, when the player has only
// begun to read it and no key is due for a hundred milliseconds (a key that
// does come meanwhile is captured, with its time stamp, by the input layer's
// reader; only its frame waits). It is owned by the game loop.
type collector struct {
	samples [2]metrics.Sample
	last    uint64 // bytes allocated at the last collection seen
	cycles  uint64 // collections seen
	every   uint64 // collectAfter, or another budget in tests
}

func newCollector(every uint64) *collector {
	c := &collector{every: every}
	c.samples[0].Name = "/gc/heap/allocs:bytes"
	c.samples[1].Name = "/gc/cycles/total:gc-cycles"
	c.read()
	return c
}

// read returns the bytes allocated so far and the collections so far.
func (c *collector) read() (allocs, cycles uint64) {
	metrics.Read(c.samples[:])
	return c.samples[0].Value.Uint64(), c.samples[1].Value.Uint64()
}

// atPrompt collects if the heap has grown by the budget since the last
// collection (the runtime's own included), and reports whether it did.
func (c *collector) atPrompt() bool {
	allocs, cycles := c.read()
	if cycles != c.cycles { // the runtime collected on its own: count from there
		c.cycles, c.last = cycles, allocs
		return false
	}
	if allocs-c.last < c.every {
		return false
	}
	runtime.GC()
	c.last, c.cycles = c.read()
	return true
}
