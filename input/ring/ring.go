package ring

import (
	"errors"
	"fmt"
	"sync/atomic"
)

// MinCapacity and MaxCapacity bound the byte capacity accepted by New.
const (
	MinCapacity = 64
	MaxCapacity = 1 << 30
)

// minContig is the smallest contiguous space Reserve prefers to hand out: when
// the space left before the end of the byte ring is smaller than this and the
// space at its start is larger, Reserve skips the tail so that a read(2) is not
// split into a tiny one and a large one.
const minContig = 1024

// cacheLine is the padding unit. 128 bytes covers the adjacent-line
// prefetcher of x86 (which pulls lines in pairs) as well as 64-byte lines.
const cacheLine = 128

// ErrCapacity is returned by New for a capacity that is not a power of two
// within [MinCapacity, MaxCapacity].
var ErrCapacity = errors.New("ring: capacity must be a power of two")

// Meta is what the producer knows about a chunk besides its bytes.
type Meta struct {
	// Time is the capture time (input.Now ns), read right after read(2)
	// returned.
	Time int64
	// Woke is the time (input.Now ns) at which epoll_wait returned for the
	// batch of reads this chunk belongs to.
	Woke int64
	// Drained reports a short read: the kernel had no more bytes queued at
	// capture time. A read that filled the reserved space exactly is not
	// Drained (more bytes may be queued).
	Drained bool
}

// Chunk is one captured read as seen by the consumer.
type Chunk struct {
	// Data aliases ring memory. It is valid until Release; its capacity is
	// clipped to its length so that appending to it cannot scribble on the
	// ring.
	Data []byte
	// Time and Woke are as in Meta.
	Time, Woke int64
	// Drained is as in Meta: the read was short.
	Drained bool
}

// Stats are the buffer's cumulative counters.
type Stats struct {
	Bytes  uint64 // bytes committed
	Chunks uint64 // chunks committed
	Full   uint64 // full episodes: Reserve found no room (counted once per episode)
}

// desc describes one chunk in the byte ring.
type desc struct {
	off     uint32 // offset in data
	n       uint32 // length
	time    int64
	woke    int64
	drained bool
}

type pad [cacheLine]byte

// Buffer is a single-producer/single-consumer ring of captured chunks.
//
// Concurrency contract: Reserve and Commit are called by one producer
// goroutine; Peek and Release by one consumer goroutine (it may be a different
// goroutine from the producer's, and each role may move between goroutines
// only with a happens-before edge between the calls, e.g. a channel hand-off).
// Len and Stats may be called by any goroutine at any time. The zero value is
// not usable: create a Buffer with New.
type Buffer struct {
	_ pad
	// Written by the producer, read by the consumer.
	head atomic.Uint64 // descriptors published
	_    [cacheLine - 8]byte
	// Written by the consumer, read by the producer.
	tail  atomic.Uint64 // descriptors released
	rbyte atomic.Uint64 // byte position up to which the ring is released
	_     [cacheLine - 16]byte

	// Producer-private state.
	whead      uint64 // producer's own copy of head
	wbyte      uint64 // byte position of the next write
	resPos     uint64 // byte position of the current reservation
	resLen     int    // its length
	tailCache  uint64 // last tail seen by the producer
	rbyteCache uint64 // last rbyte seen by the producer
	full       bool   // inside a full episode
	bytes      atomic.Uint64
	fulls      atomic.Uint64
	_          [cacheLine - 72]byte

	// Consumer-private state.
	headCache uint64 // last head seen by the consumer
	ctail     uint64 // consumer's own copy of tail
	_         [cacheLine - 16]byte

	// Read-only after New.
	data  []byte
	descs []desc
	mask  uint64 // len(data)-1
	dmask uint64 // len(descs)-1
}

// New returns a Buffer of capacity bytes. capacity must be a power of two
// within [MinCapacity, MaxCapacity]. The buffer holds up to max(16,
// capacity/64) chunks at a time; a full descriptor ring counts as full just
// like a full byte ring.
func New(capacity int) (*Buffer, error) {
	if capacity < MinCapacity || capacity > MaxCapacity || capacity&(capacity-1) != 0 {
		return nil, fmt.Errorf("new ring of %d bytes: %w (in [%d, %d])", capacity, ErrCapacity, MinCapacity, MaxCapacity)
	}
	nd := max(16, capacity/64)
	return &Buffer{
		data:  make([]byte, capacity),
		descs: make([]desc, nd),
		mask:  uint64(capacity - 1),
		dmask: uint64(nd - 1),
	}, nil
}

// Cap returns the byte capacity.
func (b *Buffer) Cap() int { return len(b.data) }

// Reserve returns contiguous free space for the producer to read(2) into;
// len > 0. It returns nil when the buffer is full (no free bytes or no free
// descriptor); the first nil of a full episode increments Stats.Full. The
// space belongs to the producer until the next Reserve or Commit. Producer
// only.
func (b *Buffer) Reserve() []byte {
	h := b.whead
	free := uint64(len(b.data)) - (b.wbyte - b.rbyteCache)
	if free < minContig || h-b.tailCache > b.dmask {
		// Little room with the cached view of the consumer's progress:
		// refresh it (acquire: the released bytes may now be overwritten).
		b.tailCache = b.tail.Load()
		b.rbyteCache = b.rbyte.Load()
		free = uint64(len(b.data)) - (b.wbyte - b.rbyteCache)
	}
	if free == 0 || h-b.tailCache > b.dmask {
		if !b.full {
			b.full = true
			b.fulls.Add(1)
		}
		return nil
	}
	b.full = false
	pos := b.wbyte
	off := pos & b.mask
	contig := min(uint64(len(b.data))-off, free)
	if wrap := free - contig; contig < minContig && wrap > contig {
		// Skip the short tail: the chunk starts at offset 0. The skipped
		// bytes are freed when this chunk is released.
		pos += contig
		off, contig = 0, wrap
	}
	b.resPos, b.resLen = pos, int(contig)
	return b.data[off : off+contig : off+contig]
}

// Commit publishes the first n bytes of the space returned by the last
// Reserve as one chunk with meta m. n == 0 publishes nothing. It panics if n
// exceeds the reserved length. Producer only.
func (b *Buffer) Commit(n int, m Meta) {
	if n <= 0 {
		return
	}
	if n > b.resLen {
		panic(fmt.Sprintf("ring: Commit(%d) exceeds the reserved %d bytes", n, b.resLen))
	}
	h := b.whead
	d := &b.descs[h&b.dmask]
	d.off = uint32(b.resPos & b.mask)
	d.n = uint32(n)
	d.time, d.woke, d.drained = m.Time, m.Woke, m.Drained
	b.wbyte = b.resPos + uint64(n)
	b.resLen = 0
	b.bytes.Add(uint64(n))
	b.whead = h + 1
	b.head.Store(h + 1) // release: publishes the bytes and the descriptor
}

// Peek returns the oldest unreleased chunk, and false when the buffer is
// empty. Calling Peek again before Release returns the same chunk. Consumer
// only.
func (b *Buffer) Peek() (Chunk, bool) {
	t := b.ctail
	if t == b.headCache {
		b.headCache = b.head.Load() // acquire
		if t == b.headCache {
			return Chunk{}, false
		}
	}
	d := &b.descs[t&b.dmask]
	off, end := uint64(d.off), uint64(d.off)+uint64(d.n)
	return Chunk{Data: b.data[off:end:end], Time: d.time, Woke: d.woke, Drained: d.drained}, true
}

// Release frees the chunk returned by the last Peek; its Data must not be
// used afterwards. It panics if the buffer is empty. Consumer only.
func (b *Buffer) Release() {
	t := b.ctail
	if t == b.headCache && t == b.head.Load() {
		panic("ring: Release of an empty buffer")
	}
	d := &b.descs[t&b.dmask]
	// The chunk ends at byte position rbyte' where rbyte' ≡ off+n (mod
	// capacity) and rbyte' is the smallest such position past the current
	// rbyte: chunks are released in order, and skipped tails lie before them.
	r := b.rbyte.Load()
	end := uint64(d.off) + uint64(d.n)
	base := r &^ b.mask
	pos := base + end
	if pos <= r {
		pos += b.mask + 1
	}
	b.rbyte.Store(pos) // release: the bytes may be overwritten
	b.ctail = t + 1
	b.tail.Store(t + 1) // release: the descriptor may be reused
}

// Len returns the number of chunks published and not yet released. Safe from
// any goroutine; the value is a snapshot and may be stale at once.
func (b *Buffer) Len() int {
	t := b.tail.Load()
	h := b.head.Load()
	return int(h - t)
}

// Stats returns the cumulative counters. Safe from any goroutine.
func (b *Buffer) Stats() Stats {
	return Stats{Bytes: b.bytes.Load(), Chunks: b.head.Load(), Full: b.fulls.Load()}
}
