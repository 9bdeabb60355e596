package keys

import (
	"bytes"
	"testing"
)

// steadyChunks is steady-state typing: letters, a multi-byte rune, arrows
// with modifiers, kitty keys, a focus report and a paste (one chunk) plus a
// paste spread over three chunks.
var steadyChunks = [][]byte{
	[]byte("rps"),
	[]byte("é"),
	[]byte("\x1b[1;5A\x1b[1;2B\x1bOP\x1b[3;5~"),
	[]byte("\x1b[99;5u\x1b[97;1:3u\x1b[57399;129u\x1b[13;2u"),
	[]byte("\x1b[I"),
	[]byte("\x1b[200~pasted text, one chunk\x1b[201~"),
	[]byte("\x1b[200~first part "),
	[]byte("second part "),
	[]byte("third part\x1b[201~x"),
	[]byte("\xe2\x82"), // a rune split across chunks
	[]byte("\xac"),
}

func feedAll(d *Decoder, ev *Event, chunks [][]byte) int {
	n := 0
	for i, c := range chunks {
		d.Feed(c, int64(i), true)
		for d.Next(ev) {
			n++
		}
	}
	return n
}

func TestSteadyStateAllocatesNothing(t *testing.T) {
	d := NewDecoder(Options{})
	var ev Event
	want := 17
	if n := feedAll(d, &ev, steadyChunks); n != want { // warm-up: the paste buffer grows here, once
		t.Fatalf("warm-up decoded %d events, want %d", n, want)
	}
	allocs := testing.AllocsPerRun(200, func() {
		if n := feedAll(d, &ev, steadyChunks); n != want {
			t.Fatalf("decoded %d events, want %d", n, want)
		}
	})
	if allocs != 0 {
		t.Fatalf("steady-state Feed+Next allocates %v times per run, want 0", allocs)
	}
}

func benchDecode(b *testing.B, key []byte, kitty bool) {
	const perChunk = 64
	chunk := bytes.Repeat(key, perChunk)
	d := NewDecoder(Options{})
	d.SetKitty(kitty)
	var ev Event
	b.SetBytes(int64(len(chunk)))
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		d.Feed(chunk, 1, true)
		for d.Next(&ev) {
			n++
		}
	}
	if n != b.N*perChunk {
		b.Fatalf("decoded %d events, want %d", n, b.N*perChunk)
	}
	// Report per key, not per 64-key chunk.
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/key")
}

// BenchmarkDecodeASCII: one letter per key (64 keys per chunk).
func BenchmarkDecodeASCII(b *testing.B) { benchDecode(b, []byte("r"), false) }

// BenchmarkDecodeCSIMod: Ctrl+Up, CSI 1;5A.
func BenchmarkDecodeCSIMod(b *testing.B) { benchDecode(b, []byte("\x1b[1;5A"), false) }

// BenchmarkDecodeKitty: Ctrl+c release with the kitty protocol, CSI 99;5:3u.
func BenchmarkDecodeKitty(b *testing.B) { benchDecode(b, []byte("\x1b[99;5:3u"), true) }

// BenchmarkDecodeUTF8: a three-byte rune.
func BenchmarkDecodeUTF8(b *testing.B) { benchDecode(b, []byte("€"), false) }

// BenchmarkDecodeSingleKeyChunk: the common real case, one key per chunk.
func BenchmarkDecodeSingleKeyChunk(b *testing.B) {
	key := []byte("\x1b[1;5A")
	d := NewDecoder(Options{})
	var ev Event
	b.ReportAllocs()
	for b.Loop() {
		d.Feed(key, 1, true)
		for d.Next(&ev) {
		}
	}
}

// BenchmarkDecodePaste64KiB: a 64 KiB paste in one chunk (aliased, not copied).
func BenchmarkDecodePaste64KiB(b *testing.B) {
	in := append(append(append([]byte{}, pasteStart...), bytes.Repeat([]byte("x"), 64<<10)...), pasteEnd...)
	d := NewDecoder(Options{})
	var ev Event
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		d.Feed(in, 1, true)
		for d.Next(&ev) {
		}
	}
}

// BenchmarkDecodePaste1MiBChunked: a 1 MiB paste in 4 KiB chunks (copied into the reused buffer).
func BenchmarkDecodePaste1MiBChunked(b *testing.B) {
	in := append(append(append([]byte{}, pasteStart...), bytes.Repeat([]byte("x"), 1<<20)...), pasteEnd...)
	d := NewDecoder(Options{})
	var ev Event
	paste := func() {
		for off := 0; off < len(in); off += 4096 {
			d.Feed(in[off:min(off+4096, len(in))], 1, true)
			for d.Next(&ev) {
			}
		}
	}
	paste() // the first paste grows the reused buffer; measure the steady state
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		paste()
	}
}
