package game

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// MsgKind says what a protocol line is. See docs/protocol.md.
type MsgKind uint8

// The protocol's messages. The game sends Round, Opponent and Quit; the bot
// answers with Move or Commit, and with Reveal in commit mode.
const (
	MsgRound    MsgKind = iota + 1 // "round <n>"
	MsgOpponent                    // "opponent <n> <move>"
	MsgQuit                        // "quit"
	MsgMove                        // "<move>"
	MsgCommit                      // "commit <hex>"
	MsgReveal                      // "reveal <n> <move> <nonce>"
)

// Message is one parsed protocol line. Only the fields of its Kind are set.
type Message struct {
	Kind  MsgKind // what the line is
	Round int     // Round, Opponent, Reveal
	Move  Move    // Opponent, Move, Reveal
	Hash  string  // Commit: 64 lowercase hex digits
	Nonce string  // Reveal
}

// ErrSyntax is returned (wrapped) by ParseMessage for a line that is not a
// protocol message.
var ErrSyntax = errors.New("not a protocol message")

// Limits on protocol fields.
const (
	// MaxLine is the longest line either side accepts, newline excluded.
	MaxLine = 1024
	// MaxNonce is the longest nonce accepted in a reveal.
	MaxNonce = 256
	// MaxRound is the largest round number accepted.
	MaxRound = 1_000_000_000
)

// ParseMessage parses one protocol line. A trailing "\n" or "\r\n" and runs of
// spaces or tabs between fields are tolerated; keywords and moves may be in
// any letter case; commitment hashes are normalised to lowercase. Errors wrap
// ErrSyntax and quote the line.
func ParseMessage(line string) (Message, error) {
	if len(line) > MaxLine+2 {
		return Message{}, fmt.Errorf("parse %.40q...: line longer than %d bytes: %w", line, MaxLine, ErrSyntax)
	}
	f := strings.Fields(line)
	bad := func(why string) (Message, error) {
		return Message{}, fmt.Errorf("parse %q: %s: %w", line, why, ErrSyntax)
	}
	if len(f) == 0 {
		return bad("empty line")
	}
	want := func(n int) bool { return len(f) == n }
	switch strings.ToLower(f[0]) {
	case "round":
		if !want(2) {
			return bad("want: round <n>")
		}
		n, ok := parseRound(f[1])
		if !ok {
			return bad("bad round number")
		}
		return Message{Kind: MsgRound, Round: n}, nil
	case "opponent":
		if !want(3) {
			return bad("want: opponent <n> <move>")
		}
		n, ok := parseRound(f[1])
		if !ok {
			return bad("bad round number")
		}
		m, ok := parseWord(f[2])
		if !ok {
			return bad("bad move")
		}
		return Message{Kind: MsgOpponent, Round: n, Move: m}, nil
	case "quit":
		if !want(1) {
			return bad("want: quit")
		}
		return Message{Kind: MsgQuit}, nil
	case "commit":
		if !want(2) {
			return bad("want: commit <hex>")
		}
		h := strings.ToLower(f[1])
		if len(h) != 64 || strings.Trim(h, "0123456789abcdef") != "" {
			return bad("commitment is not 64 hex digits")
		}
		return Message{Kind: MsgCommit, Hash: h}, nil
	case "reveal":
		if !want(4) {
			return bad("want: reveal <n> <move> <nonce>")
		}
		n, ok := parseRound(f[1])
		if !ok {
			return bad("bad round number")
		}
		m, ok := parseWord(f[2])
		if !ok {
			return bad("bad move")
		}
		if !validNonce(f[3]) {
			return bad(fmt.Sprintf("nonce must be 1 to %d printable ASCII characters", MaxNonce))
		}
		return Message{Kind: MsgReveal, Round: n, Move: m, Nonce: f[3]}, nil
	}
	if m, ok := parseWord(f[0]); ok {
		if !want(1) {
			return bad("want a move alone on its line")
		}
		return Message{Kind: MsgMove, Move: m}, nil
	}
	return bad("unknown message")
}

// String formats the message as a protocol line, without the newline.
func (m Message) String() string {
	switch m.Kind {
	case MsgRound:
		return "round " + strconv.Itoa(m.Round)
	case MsgOpponent:
		return "opponent " + strconv.Itoa(m.Round) + " " + m.Move.String()
	case MsgQuit:
		return "quit"
	case MsgMove:
		return m.Move.String()
	case MsgCommit:
		return "commit " + m.Hash
	case MsgReveal:
		return "reveal " + strconv.Itoa(m.Round) + " " + m.Move.String() + " " + m.Nonce
	}
	return fmt.Sprintf("Message(kind %d)", m.Kind)
}

// Commitment returns the commit-mode hash of a move and a nonce: the
// lowercase hex SHA-256 of "<move>:<nonce>", e.g. sha256("rock:5f1c").
func Commitment(m Move, nonce string) string {
	sum := sha256.Sum256([]byte(m.String() + ":" + nonce))
	return hex.EncodeToString(sum[:])
}

func parseRound(s string) (int, bool) {
	if len(s) == 0 || len(s) > 10 || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > MaxRound {
		return 0, false
	}
	return n, true
}

// parseWord accepts only the full move names (any case).
func parseWord(s string) (Move, bool) {
	switch strings.ToLower(s) {
	case "rock":
		return Rock, true
	case "paper":
		return Paper, true
	case "scissors":
		return Scissors, true
	}
	return NoMove, false
}

func validNonce(s string) bool {
	if len(s) == 0 || len(s) > MaxNonce {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}
