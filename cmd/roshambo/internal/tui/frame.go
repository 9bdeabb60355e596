package tui

import (
	"strconv"
	"unicode/utf8"

	"github.com/gdamore/tcell/v2"
	"github.com/gdamore/tcell/v2/terminfo"
	"github.com/rivo/uniseg"
)

// FrameWriter turns the difference between two frames into the bytes that
// update the terminal: for each run of changed cells on a row, a cursor move,
// then each cell's style (when it changes) and its character. It is the
// game's fast path for the frame that answers a key.
//
// Why not tcell's Show: Show visits every cell of the screen and spends about
// 0.4 µs and four allocations on each changed one (a grapheme split, a
// charset encoding, formatted escape sequences); a round's frame changes about
// 300 cells, and Show cost 130 µs in a warm benchmark and 250 µs and more in
// the game, several times the whole input path. The FrameWriter already knows
// which cells changed and spends a few nanoseconds on each, with each style's
// escape sequence formatted once, from tcell's own terminfo entry. tcell
// still owns the terminal: it sets it up, draws full repaints (after a
// resize, a resume, or any frame the FrameWriter declines) and restores it.
//
// A FrameWriter is not safe for concurrent use; the game loop owns it.
type FrameWriter struct {
	ti     *terminfo.Terminfo
	ansi   bool       // the cursor move is the ANSI CSI row;col H
	sgr    []styleSeq // the escape sequence of each style index (see styles)
	buf    []byte
	widths map[rune]bool // non-ASCII runes known to be one cell wide
	idx    []int32       // AppendDiff's scratch: the changed cells' indexes
	ord    []int32       // and the same, ordered by style
}

// NewFrameWriter returns a FrameWriter for the terminal type name (TERM), or
// nil when its terminfo entry is unknown or lacks cursor addressing, or when
// the terminal's character set is not UTF-8 (tcell then substitutes line
// drawing characters, which only its Show knows how to do).
func NewFrameWriter(term, charset string) *FrameWriter {
	if charset != "UTF-8" {
		return nil
	}
	ti, err := terminfo.LookupTerminfo(term)
	if err != nil || ti.SetCursor == "" {
		return nil
	}
	return &FrameWriter{ti: ti, ansi: ti.SetCursor == "\x1b[%i%p1%d;%p2%dH", widths: map[rune]bool{}}
}

// styleSeq is a style's escape sequence, cached with the style it is for (a
// style index means another style in another renderer's table).
type styleSeq struct {
	st  tcell.Style
	seq string
}

// style returns the escape sequence that selects the style of index i, as
// tcell's Show would emit it: attributes off, colours, attributes. ok is
// false for a style the FrameWriter does not render (RGB colours, underline
// styles and colours).
func (fw *FrameWriter) style(t styles, i uint8) (string, bool) {
	for len(fw.sgr) < len(t) {
		fw.sgr = append(fw.sgr, styleSeq{})
	}
	st := t[i]
	if c := fw.sgr[i]; c.seq != "" && c.st == st {
		return c.seq, true
	}
	fg, bg, attrs := st.Decompose()
	if fg.IsRGB() || bg.IsRGB() || st.GetUnderlineStyle() > tcell.UnderlineStyleSolid || st.GetUnderlineColor() != tcell.ColorDefault {
		return "", false
	}
	ti := fw.ti
	s := ti.AttrOff
	switch {
	case fg.Valid() && bg.Valid() && ti.SetFgBg != "":
		s += ti.TParm(ti.SetFgBg, int(fg&0xff), int(bg&0xff))
	default:
		if fg.Valid() && ti.SetFg != "" {
			s += ti.TParm(ti.SetFg, int(fg&0xff))
		}
		if bg.Valid() && ti.SetBg != "" {
			s += ti.TParm(ti.SetBg, int(bg&0xff))
		}
	}
	for _, a := range []struct {
		mask tcell.AttrMask
		seq  string
	}{{tcell.AttrBold, ti.Bold}, {tcell.AttrUnderline, ti.Underline}, {tcell.AttrReverse, ti.Reverse},
		{tcell.AttrBlink, ti.Blink}, {tcell.AttrDim, ti.Dim}, {tcell.AttrItalic, ti.Italic}, {tcell.AttrStrikeThrough, ti.StrikeThrough}} {
		if attrs&a.mask != 0 {
			s += a.seq
		}
	}
	fw.sgr[i] = styleSeq{st, s}
	return s, true
}

// narrow reports whether r takes exactly one cell, as tcell would count it.
func (fw *FrameWriter) narrow(r rune) bool {
	if r >= ' ' && r < utf8.RuneSelf {
		return true
	}
	if ok, known := fw.widths[r]; known {
		return ok
	}
	ok := r >= ' ' && uniseg.StringWidth(string(r)) == 1
	fw.widths[r] = ok
	return ok
}

// Diff returns the bytes that turn the terminal showing sent into showing
// cells (both w x h frames whose style indexes refer to t), or false when it
// cannot: a changed cell holds a character that is not one cell wide or a
// style it does not render, or the bottom-right cell changes (writing it
// would scroll a terminal with automatic margins). The bytes are valid until
// the next call.
func (fw *FrameWriter) Diff(cells, sent []cell, w, h int, t styles) ([]byte, bool) {
	b, ok := fw.AppendDiff(fw.buf[:0], cells, sent, w, h, t, 0, len(cells))
	if ok {
		fw.buf = b
	}
	return b, ok
}

// AppendDiff is Diff for the cells from index from to index to only,
// appended to b. The bytes assume nothing of the terminal's cursor or style
// when they start, so that the bytes of several ranges may be written one
// after the other, in any order.
//
// The changed cells go out grouped by style (row-major within a style), so
// that each style's escape sequence is written once, not once per run: a
// round's frame alternates the two players' colours row by row, and
// re-selecting the style at each run would make up some 40% of its bytes.
// Every run starts with an absolute cursor move, so the order does not
// change what the screen shows.
func (fw *FrameWriter) AppendDiff(b []byte, cells, sent []cell, w, h int, t styles, from, to int) ([]byte, bool) {
	var count [256]int32 // changed cells by style index
	fw.idx = fw.idx[:0]
	for i := from; i < to; i++ {
		c := cells[i]
		if c == sent[i] {
			continue
		}
		x, y := i%w, i/w
		if x == w-1 && y == h-1 || !fw.narrow(c.r) {
			return b, false
		}
		if count[c.st] == 0 {
			if _, ok := fw.style(t, c.st); !ok {
				return b, false
			}
		}
		count[c.st]++
		fw.idx = append(fw.idx, int32(i))
	}
	// A counting sort by style, stable: the start of each style's cells.
	var start [256]int32
	n := int32(0)
	for st, k := range count {
		start[st] = n
		n += k
	}
	if cap(fw.ord) < len(fw.idx) {
		fw.ord = make([]int32, len(fw.idx), 2*len(fw.idx))
	}
	fw.ord = fw.ord[:len(fw.idx)]
	for _, i := range fw.idx {
		st := cells[i].st
		fw.ord[start[st]] = i
		start[st]++
	}
	cur := -1 // the style the terminal is in; unknown at first
	cx, cy := -1, -1
	for _, i32 := range fw.ord {
		i := int(i32)
		c := cells[i]
		x, y := i%w, i/w
		if x != cx || y != cy {
			b = fw.move(b, x, y)
		}
		if int(c.st) != cur {
			seq, _ := fw.style(t, c.st) // checked above
			b = append(b, seq...)
			cur = int(c.st)
		}
		b = utf8.AppendRune(b, c.r)
		cx, cy = x+1, y
	}
	return b, true
}

// move appends the cursor move to (x, y).
func (fw *FrameWriter) move(b []byte, x, y int) []byte {
	if !fw.ansi {
		return append(b, fw.ti.TGoto(x, y)...)
	}
	b = append(b, "\x1b["...)
	b = strconv.AppendInt(b, int64(y+1), 10)
	b = append(b, ';')
	b = strconv.AppendInt(b, int64(x+1), 10)
	return append(b, 'H')
}
