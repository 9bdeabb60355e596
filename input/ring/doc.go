// Package ring is the single-producer/single-consumer buffer between the
// input reader thread and the key decoder.
//
// A Buffer holds captured chunks: the bytes of one read(2) plus the
// monotonic time at which the reader had them. It is a byte ring (where the
// reader reads into directly, no copy) paired with a descriptor ring (one
// descriptor per chunk: where its bytes are, how many, and its timestamps).
// Both have fixed power-of-two sizes and are allocated once in New; nothing
// allocates afterwards.
//
// The producer publishes a chunk with one atomic store of the descriptor head
// (release); the consumer observes it with an atomic load (acquire) and frees
// it with atomic stores of the descriptor tail and the byte release position.
// The producer's and the consumer's indices live on separate cache lines, so
// neither side's writes invalidate the line the other side writes.
//
// When the buffer is full, Reserve returns nil and the producer must stop
// reading (the kernel keeps the bytes and back-pressures the writer) until the
// consumer releases a chunk. Nothing is ever overwritten or dropped.
package ring
