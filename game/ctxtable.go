package game

// This file holds the allocation-free building blocks of the expert
// strategy: a fixed-size log of both sides' moves and a fixed-size table of
// contexts for history matching. Both are allocated once, when the strategy
// is built; a round allocates nothing, however long the match.

// logBits sizes the move log: the last 1<<logBits rounds are kept (65,536;
// a match at a human's pace never gets there, and older rounds only age out
// of history matching).
const logBits = 16

// moveLog is the ring of both sides' moves (indices 0..2), by round number
// from 0.
type moveLog struct {
	opp, mine [1 << logBits]int8
	n         int // rounds recorded
}

func (l *moveLog) add(opp, mine int8) {
	i := l.n & (1<<logBits - 1)
	l.opp[i], l.mine[i] = opp, mine
	l.n++
}

// has reports whether round i is still in the log.
func (l *moveLog) has(i int) bool { return i >= 0 && i < l.n && l.n-i <= 1<<logBits }

func (l *moveLog) at(i int) (opp, mine int8) {
	j := i & (1<<logBits - 1)
	return l.opp[j], l.mine[j]
}

// Sequence kinds for history matching.
const (
	seqOpp  = iota // the opponent's moves
	seqMine        // my moves
	seqPair        // both: opp*3+mine
	numSeqs
)

// ctxMaxLen is the longest context that the table records. 9^20 (pairs)
// still fits the uint64 encoding.
const ctxMaxLen = 20

// ctxSlot records the last two occurrences of one context: the round
// numbers at which they ended (the next round followed them), -1 for none.
type ctxSlot struct {
	tag        uint64
	last, prev int32
}

// ctxTable maps contexts (sequence kind, length, content) to their last
// two occurrences. Short contexts, which recur often and carry most of the
// signal, live in directly indexed arrays (exact, never evicted). Longer
// ones live in a set-associative hash table: when a set is full, the
// context whose last occurrence is oldest is replaced, so what is lost is
// old, unrepeated history.
type ctxTable struct {
	direct [numSeqs][]ctxSlot // [kind][offset(l) + key], l <= directMax[kind]
	slots  []ctxSlot
	bits   uint
	// keys[k][L] encodes the last L symbols of sequence k (0 <= L <=
	// ctxMaxLen); n counts the symbols pushed.
	keys [numSeqs][ctxMaxLen + 1]uint64
	n    int
}

// directMax is the longest context of each kind kept in the direct arrays
// (3^8 and 9^4 contexts of the longest length).
var directMax = [numSeqs]int{8, 8, 4}

func newCtxTable(bits uint) *ctxTable {
	t := &ctxTable{slots: make([]ctxSlot, 1<<bits), bits: bits}
	for k := range t.direct {
		size, p := 0, 1
		for l := 0; l <= directMax[k]; l++ {
			size += p
			p *= int(seqBase[k])
		}
		t.direct[k] = make([]ctxSlot, size)
		for i := range t.direct[k] {
			t.direct[k][i] = ctxSlot{last: -1, prev: -1}
		}
	}
	return t
}

// directIndex returns the index in direct[kind] of a context of length l:
// the contexts of shorter lengths come first.
func directIndex(kind, l int, key uint64) int {
	off, p := 0, 1
	for j := 0; j < l; j++ {
		off += p
		p *= int(seqBase[kind])
	}
	return off + int(key)
}

var seqBase = [numSeqs]uint64{3, 3, 9}

// tagOf mixes a context's identity into a 64-bit tag; distinct contexts
// collide with negligible probability.
func tagOf(kind, l int, key uint64) uint64 {
	return mix64(key^mix64(uint64(kind*(ctxMaxLen+1)+l))) | 1 // never 0, the empty slot
}

// mix64 is splitmix64's finaliser, a bijection on uint64.
func mix64(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// ctxWays is the associativity: the slots of a set share two cache lines.
const ctxWays = 8

// set returns the set of slots where tag may live.
func (t *ctxTable) set(tag uint64) []ctxSlot {
	i := (tag >> (64 - t.bits)) &^ (ctxWays - 1)
	return t.slots[i : i+ctxWays : i+ctxWays]
}

// find returns the slot holding tag, or nil.
func (t *ctxTable) find(tag uint64) *ctxSlot {
	set := t.set(tag)
	for i := range set {
		if set[i].tag == tag {
			return &set[i]
		}
	}
	return nil
}

// slotFor returns the slot for tag, claiming (and clearing) an empty slot
// of its set, or the one whose context occurred least recently, when tag is
// not there.
func (t *ctxTable) slotFor(tag uint64) *ctxSlot {
	set := t.set(tag)
	victim := 0
	for i := range set {
		switch {
		case set[i].tag == tag:
			return &set[i]
		case set[i].tag == 0:
			victim = i
			set[i].last = -2 // the preferred victim; cleared below
		case set[i].last < set[victim].last:
			victim = i
		}
	}
	s := &set[victim]
	*s = ctxSlot{tag: tag, last: -1, prev: -1}
	return s
}

// push appends round n's moves: every context that ended at round n-1 has
// now been followed once more.
func (t *ctxTable) push(opp, mine int8) {
	syms := [numSeqs]uint64{uint64(opp), uint64(mine), uint64(opp)*3 + uint64(mine)}
	top := min(ctxMaxLen, t.n)
	for k := range syms {
		keys := &t.keys[k]
		for l := 1; l <= top; l++ {
			var s *ctxSlot
			if l <= directMax[k] {
				s = &t.direct[k][directIndex(k, l, keys[l])]
			} else {
				s = t.slotFor(tagOf(k, l, keys[l]))
			}
			s.prev, s.last = s.last, int32(t.n-1)
		}
		for l := min(ctxMaxLen, t.n+1); l >= 1; l-- {
			keys[l] = keys[l-1]*seqBase[k] + syms[k]
		}
	}
	t.n++
}

// lookup returns the slot of the current context of sequence kind and
// length l (the last l symbols), or nil when it never occurred before.
func (t *ctxTable) lookup(kind, l int) *ctxSlot {
	if l < 1 || l > min(ctxMaxLen, t.n) {
		return nil
	}
	if l <= directMax[kind] {
		s := &t.direct[kind][directIndex(kind, l, t.keys[kind][l])]
		if s.last < 0 {
			return nil
		}
		return s
	}
	return t.find(tagOf(kind, l, t.keys[kind][l]))
}

// longest returns the length of the longest suffix of sequence kind, up to
// limit, that occurred before (0 if none), by binary search: a context's
// occurrence implies its suffixes' occurrences.
func (t *ctxTable) longest(kind, limit int) int {
	lo, hi := 0, min(limit, ctxMaxLen, t.n)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if t.lookup(kind, mid) != nil {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}
