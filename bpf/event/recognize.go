package event

// Move is a rock-paper-scissors move seen in written data.
type Move uint8

// The moves. MoveNone means no move word was found.
const (
	MoveNone Move = iota
	Rock
	Paper
	Scissors
)

// String returns "rock", "paper", "scissors", or "" for MoveNone.
func (m Move) String() string {
	switch m {
	case Rock:
		return "rock"
	case Paper:
		return "paper"
	case Scissors:
		return "scissors"
	}
	return ""
}

// Reveal is what Recognize found in one write.
type Reveal struct {
	// Move is the first move written as a whole word (case-insensitive),
	// or MoveNone.
	Move Move
	// Commit is set when the data holds a commitment, "commit <hex>": the
	// move is hidden behind a hash.
	Commit bool
	// Commitment is the hex digest of a commitment (it aliases the data:
	// copy it to keep it past the next Decode).
	Commitment []byte
	// Truncated is set when the data was cut at the copy bound, so a move
	// or a commitment may lie beyond what was copied (and a word that
	// reaches the cut is not trusted as whole).
	Truncated bool
}

// Found reports whether the write revealed a move or a commitment.
func (r Reveal) Found() bool { return r.Move != MoveNone || r.Commit }

// Reveal runs Recognize on the event's data.
func (e *Event) Reveal() Reveal { return Recognize(e.Data, e.Truncated) }

var moveWords = [...]struct {
	word string
	move Move
}{{"rock", Rock}, {"paper", Paper}, {"scissors", Scissors}}

// Recognize finds a move in data: rock, paper or scissors as a whole word
// (not part of a longer word of letters, digits or '_'), in any case,
// anywhere in the data; and a commitment, the word "commit" followed by
// blanks and hex digits. truncated says that data was cut at the copy
// bound: then a word that runs into the end of data does not count as
// whole (it may continue beyond the cut). Recognize never allocates.
func Recognize(data []byte, truncated bool) Reveal {
	r := Reveal{Truncated: truncated}
	for i := 0; i < len(data); i++ {
		if !isWordByte(data[i]) || (i > 0 && isWordByte(data[i-1])) {
			continue
		}
		// data[i] starts a word: find its end.
		j := i
		for j < len(data) && isWordByte(data[j]) {
			j++
		}
		whole := j < len(data) || !truncated
		w := data[i:j]
		if r.Move == MoveNone && whole {
			for _, mw := range moveWords {
				if equalFold(w, mw.word) {
					r.Move = mw.move
					break
				}
			}
		}
		if !r.Commit && equalFold(w, "commit") {
			if hex := commitHex(data[j:]); hex != nil {
				r.Commit, r.Commitment = true, hex
			}
		}
		i = j
	}
	return r
}

// commitHex returns the hex digits after one or more blanks at the start of
// rest, or nil. A digest cut by truncation still counts: it is a commitment.
func commitHex(rest []byte) []byte {
	k := 0
	for k < len(rest) && (rest[k] == ' ' || rest[k] == '\t') {
		k++
	}
	if k == 0 {
		return nil
	}
	start := k
	for k < len(rest) && isHex(rest[k]) {
		k++
	}
	if k == start {
		return nil
	}
	if k < len(rest) && isWordByte(rest[k]) {
		return nil // "commit 12xyz" is not a digest
	}
	return rest[start:k]
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// equalFold compares w with the lower-case ASCII word, ignoring ASCII case.
func equalFold(w []byte, word string) bool {
	if len(w) != len(word) {
		return false
	}
	for i := range w {
		c := w[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != word[i] {
			return false
		}
	}
	return true
}
