package tui

import (
	"github.com/gdamore/tcell/v2"

	"github.com/roshambo-game/roshambo/game"
)

// Theme holds the styles a frame is drawn with. Build one with NewTheme; a
// Theme is a plain value, safe to share read-only between goroutines.
type Theme struct {
	Base   tcell.Style // everything else
	Header tcell.Style // the title bar
	Dim    tcell.Style // hints, the "ready" pose, separators
	Accent tcell.Style // headings, the score
	Win    tcell.Style // a round or match the human won
	Loss   tcell.Style // a round or match the human lost
	Draw   tcell.Style // a drawn round
	Spy    tcell.Style // the spy panel's revelation
	Error  tcell.Style // the error screen's title
	Box    tcell.Style // overlays (help, error)
}

// NewTheme returns the styles for a terminal with the given number of
// colours (tcell.Screen.Colors). noColor (the NO_COLOR convention) or a
// monochrome terminal gives a theme that uses attributes only (bold,
// reverse, underline, dim) and never sets a colour. 8 and 16 colour
// terminals get the basic ANSI palette (plus bold for brightness on 8
// colours); 256 colours and more get the extended palette.
func NewTheme(colors int, noColor bool) Theme {
	b := tcell.StyleDefault
	if noColor || colors < 8 {
		return Theme{
			Base:   b,
			Header: b.Reverse(true),
			Dim:    b.Dim(true),
			Accent: b.Bold(true),
			Win:    b.Bold(true),
			Loss:   b.Underline(true),
			Draw:   b,
			Spy:    b.Bold(true).Reverse(true),
			Error:  b.Bold(true).Reverse(true),
			Box:    b,
		}
	}
	var win, loss, draw, accent, spy, dim, header tcell.Color
	switch {
	case colors < 16:
		win, loss, draw = tcell.ColorGreen, tcell.ColorMaroon, tcell.ColorOlive
		accent, spy, dim, header = tcell.ColorTeal, tcell.ColorPurple, tcell.ColorSilver, tcell.ColorNavy
	case colors < 256:
		win, loss, draw = tcell.ColorLime, tcell.ColorRed, tcell.ColorYellow
		accent, spy, dim, header = tcell.ColorAqua, tcell.ColorFuchsia, tcell.ColorGray, tcell.ColorNavy
	default:
		win, loss, draw = tcell.PaletteColor(77), tcell.PaletteColor(203), tcell.PaletteColor(221)
		accent, spy, dim, header = tcell.PaletteColor(81), tcell.PaletteColor(213), tcell.PaletteColor(245), tcell.PaletteColor(24)
	}
	bold := colors < 16 // the only way to get a bright colour on 8 colours
	white := tcell.ColorWhite
	if colors < 16 {
		white = tcell.ColorSilver
	}
	return Theme{
		Base:   b,
		Header: b.Background(header).Foreground(white).Bold(bold),
		Dim:    b.Foreground(dim),
		Accent: b.Foreground(accent).Bold(true),
		Win:    b.Foreground(win).Bold(true),
		Loss:   b.Foreground(loss).Bold(true),
		Draw:   b.Foreground(draw).Bold(bold),
		Spy:    b.Foreground(spy).Bold(true),
		Error:  b.Background(tcell.ColorMaroon).Foreground(white).Bold(true),
		Box:    b,
	}
}

// outcome returns the style for an outcome from the human's view.
func (t Theme) outcome(o game.Outcome) tcell.Style {
	switch o {
	case game.Win:
		return t.Win
	case game.Loss:
		return t.Loss
	}
	return t.Draw
}
