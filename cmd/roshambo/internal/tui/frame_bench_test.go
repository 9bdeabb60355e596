package tui

import (
	"testing"

	"github.com/gdamore/tcell/v2"

	"github.com/roshambo-game/roshambo/game"
)

// BenchmarkFrame measures one frame as the game draws it after a throw: the
// state composed into cells, the cells that changed handed to tcell, and
// tcell's Show on a simulation screen (100x30). Each iteration plays a new
// round, so every frame has changes to send.
func BenchmarkFrame(b *testing.B) {
	s := newSim(b, 100, 30)
	m := game.NewMatch(game.Endless())
	st := &State{Opponent: "iocaine", Match: m, Phase: PhaseThrow, Spy: SpyPanel{Enabled: true, Status: "eBPF on the opponent, pid 4242"}}
	r := NewRenderer(NewTheme(256, false))
	r.Draw(s, st)
	s.Show()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if i%matchLen == 0 { // a match of realistic length
			m = game.NewMatch(game.Endless())
			st.Match, st.Reactions = m, st.Reactions[:0]
		}
		if _, err := m.Record(game.Moves[i%3], game.Moves[(i/3)%3]); err != nil {
			b.Fatal(err)
		}
		st.Reactions = append(st.Reactions, int64(300_000_000+i))
		r.Draw(s, st)
		s.Show()
	}
}

// matchLen is the length of the matches the frame benchmarks play.
const matchLen = 40

// BenchmarkFrameTerminal is BenchmarkFrame on tcell's real terminal screen
// (terminfo, xterm-256color) writing to a Tty that discards the bytes: the
// cost of a frame in the game, without the terminal.
func BenchmarkFrameTerminal(b *testing.B) {
	b.Setenv("TERM", "xterm-256color")
	b.Setenv("LANG", "C.UTF-8")
	tty := &fakeTty{w: 100, h: 30, discard: true}
	s, err := tcell.NewTerminfoScreenFromTty(tty)
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Init(); err != nil {
		b.Fatal(err)
	}
	defer s.Fini()
	m := game.NewMatch(game.Endless())
	st := &State{Opponent: "iocaine", Match: m, Phase: PhaseThrow, Spy: SpyPanel{Enabled: true, Status: "eBPF on the opponent, pid 4242"}}
	r := NewRenderer(NewTheme(s.Colors(), false))
	r.Draw(s, st)
	s.Show()
	b.ReportAllocs()
	b.ResetTimer()
	cells := 0
	for i := range b.N {
		if i%matchLen == 0 { // a match of realistic length
			m = game.NewMatch(game.Endless())
			st.Match, st.Reactions = m, st.Reactions[:0]
		}
		if _, err := m.Record(game.Moves[i%3], game.Moves[(i/3)%3]); err != nil {
			b.Fatal(err)
		}
		st.Reactions = append(st.Reactions, int64(300_000_000+i))
		r.Draw(s, st)
		cells += r.changed
		s.Show()
	}
	b.ReportMetric(float64(tty.written)/float64(b.N), "bytes/frame")
	b.ReportMetric(float64(cells)/float64(b.N), "cells/frame")
}

// BenchmarkFrameDirect is the game's own path for the frame that answers a
// key: the state composed, compared with the last frame, and the changed
// cells written by a FrameWriter (xterm-256color) to a writer that discards
// them.
func BenchmarkFrameDirect(b *testing.B) {
	fw := NewFrameWriter("xterm-256color", "UTF-8")
	if fw == nil {
		b.Skip("no terminfo entry for xterm-256color")
	}
	m := game.NewMatch(game.Endless())
	st := &State{Opponent: "iocaine", Match: m, Phase: PhaseThrow, Spy: SpyPanel{Enabled: true, Status: "eBPF on the opponent, pid 4242"}}
	r := NewRenderer(NewTheme(256, false))
	r.frame(st, 100, 30) // the first frame goes through tcell in the game
	copy(r.sent, r.cells)
	out := &countWriter{}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if i%matchLen == 0 {
			m = game.NewMatch(game.Endless())
			st.Match, st.Reactions = m, st.Reactions[:0]
		}
		if _, err := m.Record(game.Moves[i%3], game.Moves[(i/3)%3]); err != nil {
			b.Fatal(err)
		}
		st.Reactions = append(st.Reactions, int64(300_000_000+i))
		if ok, err := r.Write(out, fw, st, 100, 30); !ok || err != nil {
			b.Fatalf("Write = %v, %v", ok, err)
		}
	}
	b.ReportMetric(float64(out.n)/float64(b.N), "bytes/frame")
}

// countWriter counts the bytes written to it.
type countWriter struct{ n int }

func (w *countWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }
