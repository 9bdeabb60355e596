package spy

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// WatchFile reports every write into the file that f refers to (its inode:
// for a pipe or a socket, either end), whoever writes it, in addition to the
// writes of the targets: a process that is not followed but holds a
// descriptor of the file (passed to it over a Unix socket, inherited before
// the spy attached) is reported too, with event.Event.ByInode set. The game
// watches the read end of the bot's stdout pipe this way.
//
// Every write-family call on the machine then pays for a look at its file
// (a few loads from the fd table) until the last file is unwatched. The
// paths that carry data without a write from user memory into the file are
// not seen (splice, tee, sendfile, copy_file_range from another file, a
// shared mapping): see docs/spy.md. f may be closed afterwards; the watch
// stays until UnwatchFile or Close.
func (s *Spy) WatchFile(f *os.File) error {
	st, err := fstat(f)
	if err != nil {
		return fmt.Errorf("watch %s: %w", f.Name(), err)
	}
	return s.watchInode(st, f.Name())
}

// fstat stats f without f.Fd(), which would put a file of Go's poller (a
// pipe from os.Pipe) in blocking mode: a goroutine reading it could then no
// longer be woken by Close.
func fstat(f *os.File) (unix.Stat_t, error) {
	var st unix.Stat_t
	rc, err := f.SyscallConn()
	if err != nil {
		return st, err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) { serr = unix.Fstat(int(fd), &st) }); err != nil {
		return st, err
	}
	return st, serr
}

// WatchPath is WatchFile for the file at path, following symbolic links:
// "/proc/PID/fd/1" is the file that process PID writes as its stdout.
func (s *Spy) WatchPath(path string) error {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return fmt.Errorf("watch %s: %w", path, err)
	}
	return s.watchInode(st, path)
}

// UnwatchFile stops watching the file that f refers to. It is not an error
// if it was not watched.
func (s *Spy) UnwatchFile(f *os.File) error {
	st, err := fstat(f)
	if err != nil {
		return fmt.Errorf("unwatch %s: %w", f.Name(), err)
	}
	key := inodeKey(st)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	if _, ok := s.inodes[key]; !ok {
		return nil
	}
	delete(s.inodes, key)
	if err := s.objs.InodeWatch.Set(uint32(len(s.inodes))); err != nil {
		return fmt.Errorf("unwatch %s: %w", f.Name(), err)
	}
	if err := s.objs.Inodes.Delete(key); err != nil {
		return fmt.Errorf("unwatch %s: %w", f.Name(), err)
	}
	return nil
}

// inodeKey is the kernel's identity of the file: its inode number and its
// superblock's device number in the kernel's encoding (major << 20 | minor).
func inodeKey(st unix.Stat_t) spyInodeKey {
	dev := uint64(st.Dev)
	return spyInodeKey{Ino: st.Ino, Dev: unix.Major(dev)<<20 | unix.Minor(dev)}
}

func (s *Spy) watchInode(st unix.Stat_t, name string) error {
	key := inodeKey(st)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	if _, ok := s.inodes[key]; ok {
		return nil
	}
	if len(s.inodes) >= MaxWatchedFiles {
		return fmt.Errorf("watch %s: %w: at most %d files", name, ErrInvalidOptions, MaxWatchedFiles)
	}
	if err := s.objs.Inodes.Put(key, uint8(1)); err != nil {
		return fmt.Errorf("watch %s: %w", name, err)
	}
	s.inodes[key] = struct{}{}
	if err := s.objs.InodeWatch.Set(uint32(len(s.inodes))); err != nil {
		return fmt.Errorf("watch %s: %w", name, err)
	}
	return nil
}
