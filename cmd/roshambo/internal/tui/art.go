package tui

import (
	"strings"

	"github.com/roshambo-game/roshambo/game"
)

// handW and handH are the size of every hand drawing, in cells.
const (
	handW = 18
	handH = 6
)

// The hands as thrown by the player on the left, fingers pointing right.
// The bot's hands on the right are the same drawings mirrored.
var leftHands = map[game.Move][handH]string{
	game.Rock: {
		`    _______`,
		`---'   ____)`,
		`      (_____)`,
		`      (_____)`,
		`      (____)`,
		`---.__(___)`,
	},
	game.Paper: {
		`    _______`,
		`---'   ____)____`,
		`          ______)`,
		`          _______)`,
		`         _______)`,
		`---.__________)`,
	},
	game.Scissors: {
		`    _______`,
		`---'   ____)____`,
		`          ______)`,
		`       __________)`,
		`      (____)`,
		`---.__(___)`,
	},
}

// hand returns the drawing of m, each line padded to handW cells; mirrored
// selects the right-hand side's version. NoMove gives the fist (rock), the
// "ready" pose shown before a round has been played.
func hand(m game.Move, mirrored bool) [handH]string {
	art, ok := leftHands[m]
	if !ok {
		art = leftHands[game.Rock]
	}
	var out [handH]string
	for i, line := range art {
		line += strings.Repeat(" ", handW-len(line))
		if mirrored {
			line = mirror(line)
		}
		out[i] = line
	}
	return out
}

// mirror reverses an ASCII line left to right, swapping the characters that
// have a mirror image.
func mirror(s string) string {
	b := []byte(s)
	for i, j := 0, len(b)-1; i <= j; i, j = i+1, j-1 {
		b[i], b[j] = flip(b[j]), flip(b[i])
	}
	return string(b)
}

func flip(c byte) byte {
	switch c {
	case '(':
		return ')'
	case ')':
		return '('
	case '/':
		return '\\'
	case '\\':
		return '/'
	case '<':
		return '>'
	case '>':
		return '<'
	}
	return c
}
