package spy

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"
	"github.com/cilium/ebpf/link"
	"github.com/cilium/ebpf/ringbuf"
	"github.com/cilium/ebpf/rlimit"
	"golang.org/x/sys/unix"

	"github.com/roshambo-game/roshambo/bpf/event"
)

// bpfRBForceWakeup is BPF_RB_FORCE_WAKEUP from linux/bpf.h.
const bpfRBForceWakeup = 2

// Spy is a loaded and attached set of spy programs with its ring buffer.
//
// Concurrency: Read (and SetDeadline) must be called from one goroutine at
// a time. AddTarget, RemoveTarget, Launch, Dropped, Targets, Stop and Close may be called
// from any goroutine, concurrently with Read. Close unblocks a blocked Read,
// which then returns ErrClosed.
type Spy struct {
	objs        spyObjects
	links       []link.Link
	rd          *ringbuf.Reader
	rec         ringbuf.Record
	comm        bool
	followForks bool
	bell        *uint32 // the doorbell (WakeupParked), in memory shared with the kernel; nil otherwise
	bellm       []byte  // its mapping

	// ringMu keeps Close from unmapping the ring while park looks at it
	// (ReadInto has its own lock). ringGone is set under it by Close.
	ringMu   sync.RWMutex
	ringGone bool
	primed   bool // the last ReadInto returned a record (Read's goroutine only)

	stopFD int // eventfd: readable once Close starts, wakes the watchers
	wg     sync.WaitGroup

	stopping atomic.Bool // Stop was called

	mu        sync.Mutex
	inodes    map[spyInodeKey]struct{} // watched files (under mu)
	closed    bool
	tracking  bool                // a target was added or launched
	launching int                 // LaunchFunc calls in progress
	live      map[uint32]struct{} // targets (and followed children) not yet exited
}

// Open checks privileges, loads the spy's programs into the kernel and
// attaches them. Nothing is followed until AddTarget or Launch (or
// Options.Comm). The errors match ErrNoPrivilege, ErrNoBTF or
// ErrUnsupportedKernel with errors.Is when those are the cause.
func Open(opts Options) (*Spy, error) {
	if err := opts.normalize(); err != nil {
		return nil, err
	}
	if err := CheckPrivileges(); err != nil {
		return nil, err
	}
	if _, err := btf.LoadKernelSpec(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNoBTF, err)
	}
	// Kernels before 5.11 charge BPF memory to RLIMIT_MEMLOCK; later ones
	// (memcg accounting) need nothing and this is a no-op.
	_ = rlimit.RemoveMemlock()

	spec, err := loadSpy()
	if err != nil {
		return nil, fmt.Errorf("spy: %w", err)
	}
	spec.Maps[spyMapEvents].MaxEntries = uint32(opts.RingSize)
	var comm [event.CommLen]byte
	copy(comm[:], opts.Comm)
	wake := uint32(0)
	if opts.Wakeup == WakeupAlways {
		wake = bpfRBForceWakeup
	}
	follow := uint8(1)
	if opts.NoFollowForks {
		follow = 0
	}
	useComm := uint8(0)
	if opts.Comm != "" {
		useComm = 1
	}
	doorbell := uint8(0)
	if opts.Wakeup == WakeupParked {
		doorbell = 1
	}
	for name, v := range map[string]any{
		spyVarCopyBytes:   uint32(opts.CopyBytes),
		spyVarWakeupFlags: wake,
		spyVarUseDoorbell: doorbell,
		spyVarFollowForks: follow,
		spyVarUseComm:     useComm,
		spyVarCommFilter:  comm,
	} {
		if err := spec.Variables[name].Set(v); err != nil {
			return nil, fmt.Errorf("spy: set %s: %w", name, err)
		}
	}

	s := &Spy{comm: opts.Comm != "", followForks: !opts.NoFollowForks, stopFD: -1, live: make(map[uint32]struct{}), inodes: make(map[spyInodeKey]struct{})}
	if err := spec.LoadAndAssign(&s.objs, nil); err != nil {
		return nil, loadError("load eBPF programs", err)
	}
	for _, p := range []*ebpf.Program{s.objs.OnSysEnter, s.objs.OnSysExit, s.objs.OnFork, s.objs.OnExit,
		s.objs.OnExec, s.objs.OnRename, s.objs.OnUringSubmit, s.objs.OnUringCreate} {
		l, err := link.AttachTracing(link.TracingOptions{Program: p, AttachType: ebpf.AttachTraceRawTp})
		if err != nil {
			s.closeKernel()
			return nil, loadError("attach "+p.String(), err)
		}
		s.links = append(s.links, l)
	}
	if opts.Wakeup == WakeupParked {
		s.bellm, err = unix.Mmap(s.objs.Doorbell.FD(), 0, os.Getpagesize(), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
		if err != nil {
			s.closeKernel()
			return nil, fmt.Errorf("spy: map the doorbell: %w", err)
		}
		s.bell = (*uint32)(unsafe.Pointer(&s.bellm[0]))
	}
	if s.rd, err = ringbuf.NewReader(s.objs.Events); err != nil {
		s.closeKernel()
		return nil, fmt.Errorf("spy: open ring buffer: %w", err)
	}
	if s.stopFD, err = unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK); err != nil {
		s.rd.Close()
		s.closeKernel()
		return nil, fmt.Errorf("spy: eventfd: %w", err)
	}
	if opts.Comm != "" {
		// The processes that already bear the name; later ones are
		// caught in the kernel (exec, rename, their first write).
		for _, pid := range processesNamed(opts.Comm) {
			_ = s.AddTarget(pid) // it may have exited meanwhile
		}
	}
	return s, nil
}

// loadError turns a load or attach failure into a clear error: EPERM (or
// EACCES outside the verifier) is a missing privilege, reported without
// cilium/ebpf's misleading "MEMLOCK may be too low"; ebpf.ErrNotSupported
// (a map or program type the kernel lacks) is ErrUnsupportedKernel.
func loadError(op string, err error) error {
	var ve *ebpf.VerifierError
	switch {
	case errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) && !errors.As(err, &ve):
		return &PrivilegeError{Op: op}
	case errors.Is(err, ebpf.ErrNotSupported):
		return fmt.Errorf("spy: %s: %w: %w", op, ErrUnsupportedKernel, err)
	}
	return fmt.Errorf("spy: %s: %w", op, err)
}

func (s *Spy) closeKernel() {
	for _, l := range s.links {
		l.Close()
	}
	s.links = nil
	if s.bellm != nil {
		// Read no longer touches it: ringGone is set (or Open failed).
		unix.Munmap(s.bellm)
		s.bellm = nil
	}
	s.objs.Close()
}

// Close detaches the programs, frees the kernel objects and unblocks a
// blocked Read, which returns ErrClosed. It is safe to call more than once
// and from any goroutine.
func (s *Spy) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()

	var one [8]byte
	one[0] = 1
	unix.Write(s.stopFD, one[:]) // wakes every watcher; stays readable
	s.ringMu.Lock()              // waits for a park in progress (at most ParkAfter)
	s.ringGone = true
	s.ringMu.Unlock()
	err := s.rd.Close()
	s.wg.Wait()
	s.closeKernel()
	unix.Close(s.stopFD)
	return err
}

// AddTarget follows process pid (a process id in the host PID namespace)
// from now on, and, when forks are followed, its children: those it forks
// from now on, and those (and their descendants) that exist already. A
// thread id stands for its process. Each process is pinned with a pidfd,
// so that a PID reused after the target's exit is never followed, and a
// followed process that reuses the PID of an earlier target is never
// forgotten. It returns an error matching ErrNoSuchProcess if pid does not
// exist, and ErrTargetExited if it exited while being added.
func (s *Spy) AddTarget(pid int) error {
	if pid <= 0 {
		return fmt.Errorf("add target %d: %w", pid, ErrNoSuchProcess)
	}
	tgid, err := ProcessOf(pid)
	if err != nil {
		return fmt.Errorf("add target %d: %w", pid, err)
	}
	if err := s.addProcess(tgid, 0); err != nil {
		if tgid != pid {
			return fmt.Errorf("add target %d (a thread of process %d): %w", pid, tgid, err)
		}
		return fmt.Errorf("add target %d: %w", pid, err)
	}
	if !s.followForks {
		return nil
	}
	// The children that exist already: the kernel's fork hook follows
	// those forked from now on (the parent is in the map), this finds the
	// earlier ones. A child is put in the map before its own children are
	// looked for, so a grandchild is either found or forked under the hook.
	todo := []int{tgid}
	for len(todo) > 0 {
		parent := todo[0]
		todo = todo[1:]
		for _, child := range childrenOf(parent) {
			if s.addProcess(child, parent) == nil {
				todo = append(todo, child)
			}
		}
	}
	return nil
}

// addProcess pins process pid with a pidfd, puts it in the target map with
// its identity, and watches for its exit. With parent > 0, pid must still be
// parent's child once pinned (else its PID was reused).
func (s *Spy) addProcess(pid, parent int) error {
	pidfd, err := unix.PidfdOpen(pid, 0)
	if errors.Is(err, unix.ESRCH) {
		return ErrNoSuchProcess
	}
	if err != nil {
		return fmt.Errorf("pidfd_open: %w", err)
	}
	if parent > 0 {
		if ppid, err := parentOf(pid); err != nil || ppid != parent {
			unix.Close(pidfd)
			return ErrNoSuchProcess
		}
	}
	ident, err := pidfdIdent(pidfd)
	if err != nil {
		unix.Close(pidfd)
		return err
	}
	key := uint32(pid)
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		unix.Close(pidfd)
		return ErrClosed
	}
	s.tracking = true
	s.live[key] = struct{}{} // before the kernel can report its exit
	s.mu.Unlock()

	if err := s.objs.Targets.Put(key, spyTarget{Ident: ident}); err != nil {
		s.forget(key)
		unix.Close(pidfd)
		return err
	}
	// The process may have died before the entry existed: then the kernel's
	// exit hook missed it. The pidfd refers to this very process.
	if exited(pidfd) {
		s.removeIf(key, ident)
		s.forget(key)
		unix.Close(pidfd)
		return ErrTargetExited
	}
	s.watch(key, ident, pidfd)
	return nil
}

// pidfdIdent returns the identity of the process behind pidfd: the inode
// number of its pidfs file, which the kernel never gives to another process
// (Linux 6.9+). The programs store the same number for the processes they
// add (struct pid's ino).
func pidfdIdent(pidfd int) (uint64, error) {
	var st unix.Stat_t
	if err := unix.Fstat(pidfd, &st); err != nil {
		return 0, fmt.Errorf("fstat pidfd: %w", err)
	}
	return st.Ino, nil
}

// removeIf removes pid from the target map if the entry still belongs to
// the process identified by ident (not to a later process that reused the
// PID and was followed since), and reports whether it did.
func (s *Spy) removeIf(pid uint32, ident uint64) bool {
	var v spyTarget
	if err := s.objs.Targets.Lookup(pid, &v); err != nil || v.Ident != ident {
		return false
	}
	return s.objs.Targets.Delete(pid) == nil
}

// RemoveTarget stops following pid (its already followed children stay
// followed). It is not an error if pid is not followed.
func (s *Spy) RemoveTarget(pid int) error {
	key := uint32(pid)
	s.forget(key)
	if err := s.objs.Targets.Delete(key); err != nil && !errors.Is(err, ebpf.ErrKeyNotExist) {
		return fmt.Errorf("remove target %d: %w", pid, err)
	}
	return nil
}

// Launch starts cmd (which must not be started yet) so that the kernel
// follows it from its very first instruction: the fork is made on a thread
// that the kernel's fork hook recognises, so the child is a target before
// it can run, let alone write. Its children are followed too (unless
// Options.NoFollowForks). The caller still owns cmd and must Wait for it.
func (s *Spy) Launch(cmd *exec.Cmd) error {
	if err := s.LaunchFunc(cmd.Start); err != nil {
		return fmt.Errorf("launch %s: %w", cmd.Path, err)
	}
	// The kernel reports the child with a fork event, which Read adds to
	// the live set; the pidfd watcher covers a lost event.
	if pidfd, err := unix.PidfdOpen(cmd.Process.Pid, 0); err == nil {
		if ident, err := pidfdIdent(pidfd); err == nil {
			s.watch(uint32(cmd.Process.Pid), ident, pidfd)
		} else {
			unix.Close(pidfd)
		}
	}
	return nil
}

// LaunchFunc calls start, and every process that start forks from the
// calling goroutine (as exec.Cmd.Start and os.StartProcess do) is followed
// from its very first instruction, with its children. It is for callers
// that start a process inside another API, e.g. the game's opponent:
//
//	err := s.LaunchFunc(func() (err error) {
//		opp, err = game.StartOpponent(ctx, argv, opts)
//		return err
//	})
//
// Processes started by other goroutines meanwhile are not followed. The
// error is start's, or a map update's.
func (s *Spy) LaunchFunc(start func() error) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	s.tracking = true
	s.launching++ // Read must not report "all exited" before the fork is recorded
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.launching--
		s.mu.Unlock()
	}()

	// The os package tests once whether pidfds work, by forking a dummy
	// child on the first process start; do that now, before the launcher
	// entry exists, so that the dummy is not followed.
	if p, err := os.FindProcess(os.Getpid()); err == nil {
		p.Release()
	}

	// The fork happens on the calling OS thread (os.StartProcess clones
	// from the thread it runs on): pin the goroutine to it, and mark the
	// thread for the kernel's fork hook.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	tid := uint32(unix.Gettid())
	if err := s.objs.Launchers.Put(tid, uint8(1)); err != nil {
		return fmt.Errorf("mark launcher thread: %w", err)
	}
	err := start()
	if derr := s.objs.Launchers.Delete(tid); derr != nil && err == nil {
		err = fmt.Errorf("unmark launcher thread: %w", derr)
	}
	return err
}

// forget removes pid from the live set and, if that empties it, wakes Read.
func (s *Spy) forget(pid uint32) {
	s.mu.Lock()
	_, ok := s.live[pid]
	delete(s.live, pid)
	empty := ok && len(s.live) == 0 && !s.closed
	s.mu.Unlock()
	if empty {
		s.rd.Flush()
	}
}

// watch waits (on its own goroutine) for the process behind pidfd to exit.
// The kernel normally removes it and reports its exit itself; when the
// kernel missed it (it died before it was added) or the exit record was
// lost, the watcher removes it, but only if the map entry is still the
// process's own (ident): a followed child may have reused the PID since.
func (s *Spy) watch(pid uint32, ident uint64, pidfd int) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		unix.Close(pidfd)
		return
	}
	s.wg.Add(1) // under mu: Close sets closed before it waits
	s.mu.Unlock()
	go func() {
		defer s.wg.Done()
		defer unix.Close(pidfd)
		fds := []unix.PollFd{{Fd: int32(pidfd), Events: unix.POLLIN}, {Fd: int32(s.stopFD), Events: unix.POLLIN}}
		for {
			_, err := unix.Poll(fds, -1)
			if err == unix.EINTR {
				continue
			}
			if err != nil || fds[1].Revents != 0 {
				return
			}
			if fds[0].Revents != 0 {
				break
			}
		}
		// Give the kernel's exit record a moment to be read first, so the
		// common case ends through Read in event order.
		stop := []unix.PollFd{{Fd: int32(s.stopFD), Events: unix.POLLIN}}
		if n, _ := unix.Poll(stop, 100); n > 0 {
			return
		}
		missed := s.removeIf(pid, ident)
		if n, err := s.Dropped(); err == nil && n > 0 {
			missed = true
		}
		if missed {
			s.forget(pid)
		}
	}()
}

// exited reports whether the process behind pidfd has exited.
func exited(pidfd int) bool {
	fds := []unix.PollFd{{Fd: int32(pidfd), Events: unix.POLLIN}}
	n, err := unix.Poll(fds, 0)
	return err == nil && n > 0
}

// Read blocks until the next event and decodes it into ev, reusing ev.Data.
// It returns ErrTargetsExited once every target has exited and its events
// have been read (never when Options.Comm is set: more processes may match),
// ErrStopped after Stop once the ring is drained, ErrClosed after Close,
// and os.ErrDeadlineExceeded (wrapped) when a
// deadline set with SetDeadline passes.
func (s *Spy) Read(ev *event.Event) error {
	for {
		if err := s.finished(); err != nil {
			return err
		}
		parked := s.bell != nil && s.park()
		err := s.rd.ReadInto(&s.rec)
		s.primed = err == nil
		if parked {
			s.unpark() // woken: by a producer, Stop, Close or the deadline
		}
		switch {
		case err == nil:
		case errors.Is(err, ringbuf.ErrFlushed):
			// A flush may be an earlier one (a kick, a target's exit) that
			// returned just before Stop: stop only on an empty ring.
			if s.stopping.Load() {
				if s.drained() {
					return ErrStopped
				}
				s.rd.Flush() // end the next drain with ErrFlushed too
			}
			continue
		case errors.Is(err, os.ErrClosed):
			return ErrClosed
		default:
			return fmt.Errorf("spy: read ring buffer: %w", err)
		}
		if err := event.Decode(s.rec.RawSample, ev); err != nil {
			return fmt.Errorf("spy: %w", err)
		}
		switch ev.Kind {
		case event.KindFork, event.KindFollow:
			s.mu.Lock()
			s.live[ev.PID] = struct{}{}
			s.mu.Unlock()
		case event.KindExit:
			s.mu.Lock()
			delete(s.live, ev.PID)
			s.mu.Unlock()
		}
		return nil
	}
}

// park waits for a record with WakeupParked: it spins for up to ParkAfter
// while the ring is empty, then rings the doorbell (an atomic exchange,
// ordered before the next look at the ring) and looks once more. It
// reports whether the doorbell is set, so that ReadInto may block: a
// record committed from now on wakes it (see ring_doorbell in spy.c).
func (s *Spy) park() bool {
	s.ringMu.RLock()
	defer s.ringMu.RUnlock()
	if s.ringGone || s.waiting() {
		return false
	}
	start := time.Now()
	for time.Since(start) < ParkAfter {
		runtime.Gosched()
		if s.waiting() {
			return false
		}
	}
	atomic.StoreUint32(s.bell, 1)
	if s.waiting() {
		atomic.StoreUint32(s.bell, 0)
		return false
	}
	return true
}

// waiting reports whether records wait in the ring, and makes sure that
// ReadInto returns them without blocking. ReadInto reads on without
// waiting only after it returned a record (s.primed); otherwise it first
// waits in epoll_wait, and epoll notices only the records that woke the
// ring's wait queue, not those committed with BPF_RB_NO_WAKEUP. Then
// waiting kicks the reader with Flush: ReadInto returns the records, then
// ErrFlushed, which Read skips.
func (s *Spy) waiting() bool {
	if s.rd.AvailableBytes() == 0 {
		return false
	}
	if !s.primed {
		s.rd.Flush()
		s.primed = true
	}
	return true
}

// unpark clears the doorbell after a parked ReadInto returned, unless Close
// has begun (it unmaps the doorbell).
func (s *Spy) unpark() {
	s.ringMu.RLock()
	if !s.ringGone {
		atomic.StoreUint32(s.bell, 0)
	}
	s.ringMu.RUnlock()
}

// Stop makes Read return the events already in the ring buffer, then
// ErrStopped (a clean shutdown, e.g. on SIGINT, that loses nothing already
// recorded). It may be called from any goroutine, before Close.
func (s *Spy) Stop() {
	s.stopping.Store(true)
	s.rd.Flush()
}

// drained reports whether the ring is empty (or the spy closed).
func (s *Spy) drained() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed || s.rd.AvailableBytes() == 0 // Close sets closed before it unmaps the ring
}

// finished returns ErrClosed after Close, ErrTargetsExited when every
// target has exited and the ring is empty, or nil.
func (s *Spy) finished() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	// Close sets closed under mu before it closes the reader, so the ring
	// is still mapped here.
	if s.closed {
		return ErrClosed
	}
	if s.tracking && s.launching == 0 && !s.comm && len(s.live) == 0 && s.rd.AvailableBytes() == 0 {
		return ErrTargetsExited
	}
	return nil
}

// SetDeadline makes Read return os.ErrDeadlineExceeded (wrapped) once t has
// passed and the ring is empty. The zero time removes the deadline. Call it
// from the reading goroutine, between Reads: it waits for a blocked Read to
// return (use Stop or Close to interrupt one from elsewhere).
func (s *Spy) SetDeadline(t time.Time) { s.rd.SetDeadline(t) }

// Dropped returns how many events the kernel could not put in the ring
// buffer (it was full), plus children of targets that could not be followed
// because the target map was full, since Open.
func (s *Spy) Dropped() (uint64, error) {
	var perCPU []uint64
	if err := s.objs.Dropped.Lookup(uint32(0), &perCPU); err != nil {
		return 0, fmt.Errorf("spy: read drop counter: %w", err)
	}
	var n uint64
	for _, v := range perCPU {
		n += v
	}
	return n, nil
}

// Targets returns how many targets (including followed children) are alive
// as far as the events read so far tell.
func (s *Spy) Targets() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.live)
}
