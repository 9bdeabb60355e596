package game

// This file holds the incremental building blocks shared by the strategies:
// every structure is updated in constant (or O(max context length)) time per
// round, never by rescanning the history, so that deciding a move stays cheap
// with a long history.

// argmax3 returns the index of the largest of three counts, preferring the
// lowest index on ties, and whether any count is above zero.
func argmax3(c [3]float64) (int, bool) {
	b := 0
	if c[1] > c[b] {
		b = 1
	}
	if c[2] > c[b] {
		b = 2
	}
	return b, c[b] > 0
}

// argmin3 returns the index of the smallest of three counts, preferring the
// lowest index on ties.
func argmin3(c [3]float64) int {
	b := 0
	if c[1] < c[b] {
		b = 1
	}
	if c[2] < c[b] {
		b = 2
	}
	return b
}

// matcher finds, for a growing sequence of symbols, the most recent earlier
// occurrence of the longest suffix of the sequence (up to maxLen symbols),
// and so predicts that the symbol which followed that occurrence comes next.
//
// seen[L] maps the base-b encoding of every length-L context to the position
// of the symbol that followed its most recent occurrence. Because every
// context's suffixes are stored with it, "context of length L occurred"
// is monotone in L, and the longest match is found by binary search.
type matcher struct {
	base   uint64
	maxLen int
	n      int
	keys   []uint64 // keys[L]: encoding of the last L symbols; keys[0] = 0
	seen   []map[uint64]int32
}

func newMatcher(base uint64, maxLen int) *matcher {
	m := &matcher{base: base, maxLen: maxLen, keys: make([]uint64, maxLen+1), seen: make([]map[uint64]int32, maxLen+1)}
	for i := 1; i <= maxLen; i++ {
		m.seen[i] = make(map[uint64]int32)
	}
	return m
}

// push appends a symbol (0 <= sym < base).
func (m *matcher) push(sym uint8) {
	top := min(m.maxLen, m.n)
	for l := 1; l <= top; l++ {
		m.seen[l][m.keys[l]] = int32(m.n)
	}
	for l := min(m.maxLen, m.n+1); l >= 1; l-- {
		m.keys[l] = m.keys[l-1]*m.base + uint64(sym)
	}
	m.n++
}

// longest returns the position (in the sequence) of the symbol that followed
// the most recent earlier occurrence of the longest matching suffix, and the
// suffix length; pos is -1 when not even the last symbol occurred before.
func (m *matcher) longest() (pos, length int) {
	lo, hi := 0, min(m.maxLen, m.n) // invariant: length lo matches (0 trivially)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if _, ok := m.seen[mid][m.keys[mid]]; ok {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	if lo == 0 {
		return -1, 0
	}
	return int(m.seen[lo][m.keys[lo]]), lo
}

// context kinds for Markov tables.
const (
	ctxOpp  = iota // the opponent's last k moves
	ctxMine        // my last k moves
	ctxPair        // the last k (opponent, mine) pairs
)

// markovFamily keeps, for each order 0..K, counts of what the opponent and I
// threw next after each context. Counts decay by lambda each time their
// context is seen again (lambda 1 counts everything equally). Prediction for
// order k backs off to lower orders while a context has no data yet.
type markovFamily struct {
	kind   int
	lambda float64
	orders int
	// tables[k][ctx] holds {opp next r,p,s, my next r,p,s}.
	tables [][][6]float64
	ctx    []int // current context index per order
}

func newMarkovFamily(kind, orders int, lambda float64) *markovFamily {
	f := &markovFamily{kind: kind, lambda: lambda, orders: orders, ctx: make([]int, orders+1)}
	base := 3
	if kind == ctxPair {
		base = 9
	}
	size := 1
	for k := 0; k <= orders; k++ {
		f.tables = append(f.tables, make([][6]float64, size))
		size *= base
	}
	return f
}

// observe records one round (move indices) and advances the contexts. h is
// the history before this round, of length n.
func (f *markovFamily) observe(opp, mine int8, n int) {
	for k := 0; k <= f.orders && k <= n; k++ {
		c := &f.tables[k][f.ctx[k]]
		if f.lambda != 1 {
			for i := range c {
				c[i] *= f.lambda
			}
		}
		c[opp]++
		c[3+mine]++
	}
	sym, base := int(opp), 3
	switch f.kind {
	case ctxMine:
		sym = int(mine)
	case ctxPair:
		sym, base = int(opp)*3+int(mine), 9
	}
	for k := f.orders; k >= 1; k-- {
		size := len(f.tables[k])
		f.ctx[k] = (f.ctx[k-1]*base + sym) % size
	}
}

// predict returns the most likely next opponent and own move at order k,
// backing off to lower orders; ok is false when nothing has been seen.
func (f *markovFamily) predict(k int) (opp, mine int, ok bool) {
	for ; k >= 0; k-- {
		c := &f.tables[k][f.ctx[k]]
		o, ok1 := argmax3([3]float64{c[0], c[1], c[2]})
		m, _ := argmax3([3]float64{c[3], c[4], c[5]})
		if ok1 {
			return o, m, true
		}
	}
	return 0, 0, false
}

// window counts the moves of both sides over the last size rounds.
type window struct {
	size      int
	opp, mine [3]float64
}

func (w *window) observe(h *history) {
	n := len(h.opp)
	w.opp[h.opp[n-1]]++
	w.mine[h.mine[n-1]]++
	if n > w.size {
		w.opp[h.opp[n-1-w.size]]--
		w.mine[h.mine[n-1-w.size]]--
	}
}

// history is the list of move indices (0..2) played so far by both sides.
type history struct {
	opp, mine []int8
}

func (h *history) add(mine, opp int8) {
	h.opp = append(h.opp, opp)
	h.mine = append(h.mine, mine)
}

// matchers holds the three history matchers of the "history" strategy and of
// the meta-strategy: over the opponent's moves, my moves, and both.
type matchers struct {
	opp, mine, pair *matcher
}

// maxMatch bounds the context length of history matching. 9^20 still fits a
// uint64 key; 16 is plenty to lock onto any repeating pattern.
const maxMatch = 16

func newMatchers() *matchers {
	return &matchers{opp: newMatcher(3, maxMatch), mine: newMatcher(3, maxMatch), pair: newMatcher(9, maxMatch)}
}

func (ms *matchers) observe(opp, mine int8) {
	ms.opp.push(uint8(opp))
	ms.mine.push(uint8(mine))
	ms.pair.push(uint8(opp)*3 + uint8(mine))
}

// combined returns the match position of the longest match among the three
// histories, preferring the pair history, then first, then second on equal
// lengths; -1 if there is none.
func combined(pair, first, second *matcher) int {
	best, bl := pair.longest()
	if p, l := first.longest(); l > bl {
		best, bl = p, l
	}
	if p, l := second.longest(); l > bl {
		best = p
	}
	return best
}
