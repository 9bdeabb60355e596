package event

import (
	"bytes"
	"encoding/binary"
	"errors"
	"reflect"
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
		{"changed", func() *Event {
			e := sample()
			e.Changed, e.Entry = true, []byte("m02 rock\n")
			return e
		}()},
		{"every flag", func() *Event {
			e := sample()
			e.Unverified, e.IA32, e.ByReference, e.ByInode, e.Submitted, e.More = true, true, true, true, true, true
			return e
		}()},
		{"io_uring", func() *Event {
			e := sample()
			e.Syscall, e.IoUringOp, e.Submitted, e.Unverified = SysIoUring, IoUringSendZC, true, true
			return e
		}()},
		{"sendmmsg", func() *Event { e := sample(); e.Syscall, e.Message = SysSendmmsg, 3; return e }()},
		{"follow", &Event{Kind: KindFollow, PID: 10, TID: 12, Data: []byte{}}},
		{"ring", &Event{Kind: KindRing, PID: 10, TID: 10, FD: 5, Requested: 2, Data: []byte{}}},
		{"fork", &Event{Kind: KindFork, PID: 10, TID: 10, Parent: 9, Data: []byte{}}},
		{"exit", &Event{Kind: KindExit, PID: 10, TID: 11, Data: []byte{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := Append(nil, tt.ev)
			if want := HeaderSize + len(tt.ev.Data) + len(tt.ev.Entry); len(rec) != want {
				t.Fatalf("record is %d bytes, want %d", len(rec), want)
			}
			var got Event
			if err := Decode(rec, &got); err != nil {
				t.Fatal(err)
			}
			if !sameEvent(&got, tt.ev) {
				t.Fatalf("decoded %+v, want %+v", got, *tt.ev)
			}
		})
	}
}

// sameEvent compares two events; a nil and an empty Data or Entry are the same.
func sameEvent(a, b *Event) bool {
	x, y := *a, *b
	if !bytes.Equal(x.Data, y.Data) || !bytes.Equal(x.Entry, y.Entry) {
		return false
	}
	x.Data, y.Data, x.Entry, y.Entry = nil, nil, nil, nil
	return reflect.DeepEqual(x, y)
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
		{"data too long", mut(func(b []byte) []byte { binary.LittleEndian.PutUint16(b[36:], MaxCopy+1); return b }), ErrMalformed},
		{"entry too long", mut(func(b []byte) []byte { binary.LittleEndian.PutUint16(b[38:], MaxCopy+1); return b }), ErrMalformed},
		{"entry cut", mut(func(b []byte) []byte { b[38] = 1; b[44] |= 4; return b }), ErrShort},
		{"entry without change", mut(func(b []byte) []byte { b[38] = 1; return append(b, 'x') }), ErrMalformed},
		{"kind 0", mut(func(b []byte) []byte { b[42] = 0; return b }), ErrMalformed},
		{"kind 6", mut(func(b []byte) []byte { b[42] = 6; return b }), ErrMalformed},
		{"unknown flag", mut(func(b []byte) []byte { b[45] = 0x02; return b }), ErrMalformed},
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
		SysSendto: "sendto", SysSendmsg: "sendmsg", SysPwritev: "pwritev", SysPwritev2: "pwritev2",
		SysVmsplice: "vmsplice", SysSendmmsg: "sendmmsg", SysIoUring: "io_uring", 0: "", 999: "syscall(999)"} {
		if got := s.String(); got != want {
			t.Errorf("Syscall(%d) = %q, want %q", uint16(s), got, want)
		}
	}
	for o, want := range map[IoUringOp]string{IoUringWrite: "write", IoUringWritev: "writev", IoUringWriteFixed: "write_fixed",
		IoUringWritevFixed: "writev_fixed", IoUringSend: "send", IoUringSendZC: "send_zc", IoUringSendmsg: "sendmsg",
		IoUringSendmsgZC: "sendmsg_zc", 99: "op(99)"} {
		if got := o.String(); got != want {
			t.Errorf("IoUringOp(%d) = %q, want %q", uint8(o), got, want)
		}
	}
	for k, want := range map[Kind]string{KindWrite: "write", KindFork: "fork", KindExit: "exit", KindFollow: "follow", KindRing: "ring", 9: "kind(9)"} {
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
// encodes to a record that decodes to the same event.
func FuzzDecode(f *testing.F) {
	f.Add(Append(nil, sample()))
	f.Add(Append(nil, &Event{Kind: KindFork, PID: 1, Parent: 2}))
	changed := sample()
	changed.Changed, changed.Entry = true, []byte("m02 rock\n")
	f.Add(Append(nil, changed))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, rec []byte) {
		var ev Event
		if err := Decode(rec, &ev); err != nil {
			return
		}
		if len(ev.Data) > MaxCopy || len(ev.Entry) > MaxCopy {
			t.Fatalf("decoded %d data bytes and %d entry bytes", len(ev.Data), len(ev.Entry))
		}
		var again Event
		if err := Decode(Append(nil, &ev), &again); err != nil {
			t.Fatalf("re-encoded event does not decode: %v", err)
		}
		if !sameEvent(&again, &ev) {
			t.Fatalf("re-decoded\n%+v\nwant\n%+v", again, ev)
		}
		_ = ev.Reveal()
	})
}
