package event

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
)

func sample() *Event {
	ev := &Event{
		Kind:      KindWrite,
		TimeNS:    123456789,
		PID:       4242,
		TID:       4243,
		Syscall:   SysWritev,
		FD:        7,
		Requested: 10,
		Ret:       10,
		Data:      []byte("m02 paper\n"),
	}
	copy(ev.Comm[:], "roshambo-bot")
	return ev
}

func TestDecodeRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		ev   *Event
	}{
		{"write", sample()},
		{"truncated", func() *Event {
			e := sample()
			e.Truncated, e.IovPartial, e.Ret, e.Requested = true, true, 300, 300
			return e
		}()},
		{"error return", func() *Event { e := sample(); e.Ret, e.Data = -9, []byte{}; return e }()},
		{"fork", &Event{Kind: KindFork, PID: 10, TID: 10, Parent: 9, Data: []byte{}}},
		{"exit", &Event{Kind: KindExit, PID: 10, TID: 11, Data: []byte{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := Append(nil, tt.ev)
			if len(rec) != HeaderSize+len(tt.ev.Data) {
				t.Fatalf("record is %d bytes, want %d", len(rec), HeaderSize+len(tt.ev.Data))
			}
			var got Event
			if err := Decode(rec, &got); err != nil {
				t.Fatal(err)
			}
			if got.Kind != tt.ev.Kind || got.TimeNS != tt.ev.TimeNS || got.PID != tt.ev.PID || got.TID != tt.ev.TID ||
				got.Comm != tt.ev.Comm || got.Syscall != tt.ev.Syscall || got.FD != tt.ev.FD || got.Parent != tt.ev.Parent ||
				got.Requested != tt.ev.Requested || got.Ret != tt.ev.Ret || got.Truncated != tt.ev.Truncated ||
				got.IovPartial != tt.ev.IovPartial || !bytes.Equal(got.Data, tt.ev.Data) {
				t.Fatalf("decoded %+v, want %+v", got, *tt.ev)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	good := Append(nil, sample())
	mut := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	tests := []struct {
		name string
		rec  []byte
		want error
	}{
		{"empty", nil, ErrShort},
		{"short header", good[:HeaderSize-1], ErrShort},
		{"data cut", good[:len(good)-1], ErrShort},
		{"data too long", mut(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[36:], MaxCopy+1); return b }), ErrMalformed},
		{"kind 0", mut(func(b []byte) []byte { b[42] = 0; return b }), ErrMalformed},
		{"kind 4", mut(func(b []byte) []byte { b[42] = 4; return b }), ErrMalformed},
		{"unknown flag", mut(func(b []byte) []byte { b[43] = 0x80; return b }), ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ev Event
			if err := Decode(tt.rec, &ev); !errors.Is(err, tt.want) {
				t.Fatalf("Decode = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestDecodeReusesData(t *testing.T) {
	rec := Append(nil, sample())
	var ev Event
	if err := Decode(rec, &ev); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(100, func() {
		if err := Decode(rec, &ev); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("Decode allocates %v times per record, want 0", allocs)
	}
}

func TestNamesAndStrings(t *testing.T) {
	ev := sample()
	if got := ev.Name(); got != "roshambo-bot" {
		t.Errorf("Name = %q", got)
	}
	var full Event
	copy(full.Comm[:], "0123456789abcdef")
	if got := full.Name(); got != "0123456789abcdef" {
		t.Errorf("Name without NUL = %q", got)
	}
	for s, want := range map[Syscall]string{SysWrite: "write", SysPwrite64: "pwrite64", SysWritev: "writev",
		SysSendto: "sendto", SysSendmsg: "sendmsg", SysPwritev: "pwritev", SysPwritev2: "pwritev2", 0: "", 999: "syscall(999)"} {
		if got := s.String(); got != want {
			t.Errorf("Syscall(%d) = %q, want %q", uint16(s), got, want)
		}
	}
	for k, want := range map[Kind]string{KindWrite: "write", KindFork: "fork", KindExit: "exit", 9: "kind(9)"} {
		if got := k.String(); got != want {
			t.Errorf("Kind(%d) = %q, want %q", uint8(k), got, want)
		}
	}
}

func TestAppendCutsLongData(t *testing.T) {
	ev := sample()
	ev.Data = bytes.Repeat([]byte{'x'}, MaxCopy+10)
	var got Event
	if err := Decode(Append(nil, ev), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Data) != MaxCopy || !got.Truncated {
		t.Fatalf("len %d truncated %v, want %d true", len(got.Data), got.Truncated, MaxCopy)
	}
}

// FuzzDecode checks that Decode never panics and that whatever it accepts
// re-encodes to the same record (padding aside).
func FuzzDecode(f *testing.F) {
	f.Add(Append(nil, sample()))
	f.Add(Append(nil, &Event{Kind: KindFork, PID: 1, Parent: 2}))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, rec []byte) {
		var ev Event
		if err := Decode(rec, &ev); err != nil {
			return
		}
		if len(ev.Data) > MaxCopy {
			t.Fatalf("decoded %d data bytes", len(ev.Data))
		}
		want := append([]byte(nil), rec[:HeaderSize+len(ev.Data)]...)
		clear(want[44:48]) // padding
		if got := Append(nil, &ev); !bytes.Equal(got, want) {
			t.Fatalf("re-encoded\n%x\nwant\n%x", got, want)
		}
		_ = ev.Reveal()
	})
}
