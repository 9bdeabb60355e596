package game

import (
	"strconv"
	"strings"
	"unicode"
	"unsafe"
)

// ClassifyLine says what one line written by an opponent means to the game:
// the message that the game's line reader and ParseMessage make of it, and
// ok false when the game would reject it (a malformed line, or one longer
// than MaxLine). line holds one line, with or without its "\n" or "\r\n";
// the limit counts the line ending too, as the game's reader does.
//
// It is the game's parser itself (ParseMessage is built on it), so a tool
// that watches a bot's output, such as the spy, cannot disagree with the
// game on what a line says: keywords and moves are lower-cased with
// Unicode's rules (so "ROC\u212A", with a KELVIN SIGN, is rock), and fields
// are separated by runs of Unicode white space.
//
// A move line does not allocate; a commitment or a reveal allocates the
// strings of its Hash or Nonce, which never alias line.
func ClassifyLine(line []byte) (m Message, ok bool) {
	if len(line) > MaxLine+2 {
		return Message{}, false
	}
	// A read-only view of line: parseLine keeps no reference to it, and
	// the strings of the result are cloned below.
	s := unsafe.String(unsafe.SliceData(line), len(line))
	m, why := parseLine(trimEOL(s))
	if why != "" {
		return Message{}, false
	}
	m.Hash = strings.Clone(m.Hash)
	m.Nonce = strings.Clone(m.Nonce)
	return m, true
}

// Reasons parseLine gives for a line that is not a protocol message; the
// error of ParseMessage quotes them.
const (
	whyLong = "line too long" // ParseMessage formats this one differently
)

var whyNonce = "nonce must be 1 to " + strconv.Itoa(MaxNonce) + " printable ASCII characters"

// parseLine is the protocol's grammar: the message in line, or an empty
// Message and the reason the line is not one. It does not allocate for a
// line that is a move; strings in the result may alias line.
func parseLine(line string) (Message, string) {
	if len(line) > MaxLine+2 {
		return Message{}, whyLong
	}
	// The first four fields and how many there are, split as
	// strings.Fields splits.
	var f [4]string
	n := 0
	for w := range strings.FieldsSeq(line) {
		if n < len(f) {
			f[n] = w
		}
		n++
	}
	if n == 0 {
		return Message{}, "empty line"
	}
	switch {
	case lowerIs(f[0], "round"):
		if n != 2 {
			return Message{}, "want: round <n>"
		}
		r, ok := parseRound(f[1])
		if !ok {
			return Message{}, "bad round number"
		}
		return Message{Kind: MsgRound, Round: r}, ""
	case lowerIs(f[0], "opponent"):
		if n != 3 {
			return Message{}, "want: opponent <n> <move>"
		}
		r, ok := parseRound(f[1])
		if !ok {
			return Message{}, "bad round number"
		}
		m, ok := parseWord(f[2])
		if !ok {
			return Message{}, "bad move"
		}
		return Message{Kind: MsgOpponent, Round: r, Move: m}, ""
	case lowerIs(f[0], "quit"):
		if n != 1 {
			return Message{}, "want: quit"
		}
		return Message{Kind: MsgQuit}, ""
	case lowerIs(f[0], "commit"):
		if n != 2 {
			return Message{}, "want: commit <hex>"
		}
		h := strings.ToLower(f[1])
		if len(h) != 64 || strings.Trim(h, "0123456789abcdef") != "" {
			return Message{}, "commitment is not 64 hex digits"
		}
		return Message{Kind: MsgCommit, Hash: h}, ""
	case lowerIs(f[0], "reveal"):
		if n != 4 {
			return Message{}, "want: reveal <n> <move> <nonce>"
		}
		r, ok := parseRound(f[1])
		if !ok {
			return Message{}, "bad round number"
		}
		m, ok := parseWord(f[2])
		if !ok {
			return Message{}, "bad move"
		}
		if !validNonce(f[3]) {
			return Message{}, whyNonce
		}
		return Message{Kind: MsgReveal, Round: r, Move: m, Nonce: f[3]}, ""
	}
	if m, ok := parseWord(f[0]); ok {
		if n != 1 {
			return Message{}, "want a move alone on its line"
		}
		return Message{Kind: MsgMove, Move: m}, ""
	}
	return Message{}, "unknown message"
}

// lowerIs reports whether strings.ToLower(s) == word, for a lower-case
// ASCII word, without allocating: every rune of s (an invalid byte counts
// as U+FFFD, as in strings.ToLower) must lower-case to the word's byte at
// the same position.
func lowerIs(s, word string) bool {
	i := 0
	for _, r := range s { // invalid UTF-8 yields utf8.RuneError, as strings.Map sees it
		if i >= len(word) || unicode.ToLower(r) != rune(word[i]) {
			return false
		}
		i++
	}
	return i == len(word)
}

// parseWord accepts only the full move names, in any letter case
// (Unicode's: "ROC\u212A" is rock).
func parseWord(s string) (Move, bool) {
	switch {
	case lowerIs(s, "rock"):
		return Rock, true
	case lowerIs(s, "paper"):
		return Paper, true
	case lowerIs(s, "scissors"):
		return Scissors, true
	}
	return NoMove, false
}
