package game

import "testing"

// TestCtxTable checks the context table against a brute-force search of the
// history: for every sequence kind and every length up to 14, the last two
// occurrences of the current context, over 1000 rounds (where nothing is
// evicted yet), and that longest agrees with the search.
func TestCtxTable(t *testing.T) {
	tab := newCtxTable(17)
	rng := newRand(3)
	var opp, mine []int8
	seq := func(kind, i int) int8 {
		switch kind {
		case seqOpp:
			return opp[i]
		case seqMine:
			return mine[i]
		}
		return opp[i]*3 + mine[i]
	}
	for round := 0; round < 1000; round++ {
		// A biased, repetitive source, so that long contexts recur.
		o, m := int8(rng.IntN(3)), int8(rng.IntN(2))
		if round%7 < 3 {
			o = int8(round % 3)
		}
		tab.push(o, m)
		opp, mine = append(opp, o), append(mine, m)
		n := len(opp)
		for kind := 0; kind < numSeqs; kind++ {
			longest := 0
			for l := 1; l <= min(14, n); l++ {
				var ends []int
				for e := n - 2; e >= l-1 && len(ends) < 2; e-- {
					match := true
					for d := 0; d < l; d++ {
						if seq(kind, e-d) != seq(kind, n-1-d) {
							match = false
							break
						}
					}
					if match {
						ends = append(ends, e)
					}
				}
				want := [2]int32{-1, -1}
				for i, e := range ends {
					want[i] = int32(e)
				}
				got := [2]int32{-1, -1}
				if s := tab.lookup(kind, l); s != nil {
					got = [2]int32{s.last, s.prev}
				}
				if got != want {
					t.Fatalf("round %d kind %d length %d: table %v, history %v", round, kind, l, got, want)
				}
				if len(ends) > 0 {
					longest = l
				}
			}
			if got := tab.longest(kind, 14); got != longest {
				t.Fatalf("round %d kind %d: longest %d, history %d", round, kind, got, longest)
			}
		}
	}
}

// TestCtxTableEvicts checks that a table too small for its history keeps
// working: lookups either miss or return a true occurrence.
func TestCtxTableEvicts(t *testing.T) {
	tab := newCtxTable(6) // 64 slots for the long contexts
	rng := newRand(4)
	var opp []int8
	for round := 0; round < 3000; round++ {
		o := int8(rng.IntN(3))
		tab.push(o, 0)
		opp = append(opp, o)
		n := len(opp)
		for l := directMax[seqOpp] + 1; l <= min(ctxMaxLen, n); l++ {
			s := tab.lookup(seqOpp, l)
			if s == nil {
				continue
			}
			e := int(s.last)
			if e < l-1 || e > n-2 {
				t.Fatalf("round %d length %d: occurrence ends at %d", round, l, e)
			}
			for d := 0; d < l; d++ {
				if opp[e-d] != opp[n-1-d] {
					t.Fatalf("round %d length %d: occurrence at %d does not match", round, l, e)
				}
			}
		}
	}
}
