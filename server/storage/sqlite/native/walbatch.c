/*
** walbatch: a SQLite VFS over the default one that writes a transaction's WAL frames in one write.
**
** SQLite writes each WAL frame with two pwrite() calls (its 24-byte header, then its page): a commit of
** a batch that dirtied 300 pages is 600 system calls on the writer's thread — the server's event loop.
** On a virtual machine a system call costs microseconds, and appending 4,120-byte frames to a new file
** has the kernel zero each page it starts: measured here, 5–7 µs per frame written that way, 0.3–0.6 µs
** in one write of 40 frames (docs/ARCHITECTURE.md, "SQLite: a commit in one write").
**
** So this VFS keeps the appends to a WAL file in memory and writes them in one pwrite() at the moment
** they must be in the file:
**   - before the wal-index header that makes a commit visible is complete: SQLite writes the header's
**     second copy, calls xShmBarrier on the database file, then writes the first copy; a reader (another
**     connection, thread or process) takes a header only when both copies agree, so it cannot see the
**     commit before its frames are in the file (the database file's xShmBarrier writes its WAL's frames);
**   - before anything else touches the WAL file (a read, a write elsewhere, its size, a sync, truncation,
**     a file control, closing): the file is then exactly what SQLite wrote.
** What is still kept when the writer releases the WAL's write lock belongs to a transaction that rolled
** back (frames SQLite spilled before its end): it is dropped, never written over the next writer's.
** A process that dies with frames in memory dies before its commit was visible or returned: recovery
** (the next process to open the database rebuilds the wal-index from the WAL file) discards the partial
** transaction, as after a crash in the middle of SQLite's own writes.
**
** A write must not fail at the barrier, where SQLite cannot be told: before keeping frames past the
** space the file holds, the VFS allocates it (fallocate(KEEP_SIZE), in 4 MiB steps) within the process's
** file-size limit (RLIMIT_FSIZE), so a full disk, or a WAL at that limit, is SQLITE_FULL on the write that
** needed it, as without this VFS. Where that call is not supported (not
** Linux, a file system without it), the file's writes go straight through. A write that fails at the
** barrier anyway (an I/O error) aborts the process: the commit is not acknowledged, and recovery
** discards it.
**
** Every connection the process opens once it is loaded also plans its statements without their bound
** values (SQLite's query planner stability guarantee, QPSG): see wbConnection. And the page cache's commit
** no longer walks the whole cache after a B-tree page split: see wbRekey.
**
** Built by scripts/build-native.mjs (npm install), loaded by server/storage/sqlite/walbatch.ts, which
** makes it the default VFS of the process. Set SQLITE_WAL_BATCH=off to run without it.
*/
#define _GNU_SOURCE
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT1
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#endif

/* The most frame bytes kept in memory: a transaction larger than this is written in several writes. */
#define WB_BUFFER_MAX (8 * 1024 * 1024)
/* How far past a kept write the WAL file's space is allocated at once. */
#define WB_RESERVE_STEP ((sqlite3_int64)4 * 1024 * 1024)

typedef struct WbFile WbFile;
struct WbFile {
  sqlite3_file base;   /* pMethods: wbMethods while open */
  sqlite3_file *real;  /* the default VFS's file, allocated right after this struct */
  int isWal;
  /* A main database file: its name (the pointer SQLite passed, which its WAL's name leads back to),
  ** its WAL while open, and the next in the registry. */
  const char *zName;
  WbFile *wal;
  WbFile *next;
  /* A WAL file: the database file whose barrier writes its frames; the frames kept, from bufOff; a
  ** descriptor of its own for the one write and the allocation; the file's allocated length. */
  WbFile *db;
  unsigned char *buf;
  int bufLen;
  int bufCap;
  sqlite3_int64 bufOff;
  int fd;
  sqlite3_int64 reserved; /* -1: not known */
  int batching;
};

static sqlite3_vfs *wbOrig = 0;
static sqlite3_vfs wbVfs;
static WbFile *wbDatabases = 0; /* the open main database files, under SQLITE_MUTEX_STATIC_VFS1 */

/* Counters for walbatch_stats(): writes kept, writes of kept frames, writes that went straight through,
** kept writes dropped (a transaction that did not commit), and the bytes kept now. */
static sqlite3_int64 wbKept = 0, wbFlushes = 0, wbDirect = 0, wbDropped = 0, wbPending = 0;
#define WB_COUNT(x) __atomic_add_fetch(&(x), 1, __ATOMIC_RELAXED)
#define WB_ADD(x, n) __atomic_add_fetch(&(x), (n), __ATOMIC_RELAXED)

/* Writes the kept frames. SQLITE_OK, or the I/O error (the frames stay kept). */
static int wbFlush(WbFile *p) {
  int done = 0;
  while (done < p->bufLen) {
    ssize_t n = pwrite(p->fd, p->buf + done, (size_t)(p->bufLen - done), (off_t)(p->bufOff + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      if (done > 0) {
        memmove(p->buf, p->buf + done, (size_t)(p->bufLen - done));
        p->bufOff += done;
        p->bufLen -= done;
        WB_ADD(wbPending, -(sqlite3_int64)done);
      }
      return errno == ENOSPC ? SQLITE_FULL : SQLITE_IOERR_WRITE;
    }
    done += (int)n;
  }
  if (p->bufLen > 0) WB_COUNT(wbFlushes);
  WB_ADD(wbPending, -(sqlite3_int64)p->bufLen);
  p->bufOff += p->bufLen;
  p->bufLen = 0;
  return SQLITE_OK;
}

/* The barrier cannot report an error: a commit whose frames cannot be written must not become visible. */
static void wbFlushOrAbort(WbFile *p) {
  int rc = wbFlush(p);
  if (rc != SQLITE_OK) {
    sqlite3_log(rc, "walbatch: cannot write the WAL's frames (errno %d); aborting before the commit is visible", errno);
    fprintf(stderr, "walbatch: cannot write the WAL's frames (errno %d); aborting before the commit is visible\n", errno);
    abort();
  }
}

/*
** Ensures the file has space for [from, end): SQLITE_OK, SQLITE_FULL, or SQLITE_NOTFOUND (not supported).
** What is known allocated (`reserved`) is forgotten as each write transaction begins (wbShmLock): another
** connection may have truncated the file since, freeing it.
*/
static int wbReserve(WbFile *p, sqlite3_int64 from, sqlite3_int64 end) {
  if (p->reserved >= 0 && end <= p->reserved) return SQLITE_OK;
#ifdef __linux__
  sqlite3_int64 upTo = ((end + WB_RESERVE_STEP - 1) / WB_RESERVE_STEP) * WB_RESERVE_STEP;
  /* The process's file-size limit (RLIMIT_FSIZE: `ulimit -f`, systemd's LimitFSIZE) is space too, which
  ** fallocate(KEEP_SIZE) does not check: past it, the write at the barrier would fail (EFBIG). */
  struct rlimit limit;
  if (getrlimit(RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    if ((sqlite3_uint64)end > (sqlite3_uint64)limit.rlim_cur) return SQLITE_FULL;
    if ((sqlite3_uint64)upTo > (sqlite3_uint64)limit.rlim_cur) upTo = (sqlite3_int64)limit.rlim_cur;
  }
  if (p->reserved >= 0 && from > p->reserved) from = p->reserved;
  for (;;) {
    if (fallocate(p->fd, FALLOC_FL_KEEP_SIZE, (off_t)from, (off_t)(upTo - from)) == 0) break;
    if (errno == EINTR) continue;
    if (errno == ENOSPC || errno == EDQUOT) return SQLITE_FULL;
    return SQLITE_NOTFOUND;
  }
  p->reserved = upTo;
  return SQLITE_OK;
#else
  (void)from;
  return SQLITE_NOTFOUND;
#endif
}

/* Stops keeping this WAL's frames: what is kept is written, and every write goes straight through. */
static int wbStopBatching(WbFile *p) {
  int rc = wbFlush(p);
  p->batching = 0;
  return rc;
}

/* ---- the file methods ---- */

static int wbClose(sqlite3_file *f) {
  WbFile *p = (WbFile *)f;
  int rc = SQLITE_OK;
  if (p->isWal) {
    rc = wbFlush(p);
    if (p->db) p->db->wal = 0;
    p->db = 0;
    if (p->fd >= 0) close(p->fd);
    p->fd = -1;
    sqlite3_free(p->buf);
    p->buf = 0;
  } else {
    sqlite3_mutex *m = sqlite3_mutex_alloc(SQLITE_MUTEX_STATIC_VFS1);
    sqlite3_mutex_enter(m);
    for (WbFile **pp = &wbDatabases; *pp; pp = &(*pp)->next) {
      if (*pp == p) {
        *pp = p->next;
        break;
      }
    }
    sqlite3_mutex_leave(m);
    if (p->wal) p->wal->db = 0;
    p->wal = 0;
  }
  int rc2 = p->real->pMethods->xClose(p->real);
  return rc != SQLITE_OK ? rc : rc2;
}

/* Before any other use of a WAL file, its kept frames are written. */
#define WB_FLUSH_FIRST(p)                      \
  do {                                         \
    if ((p)->isWal && (p)->bufLen > 0) {       \
      int rcFlush = wbFlush(p);                \
      if (rcFlush != SQLITE_OK) return rcFlush; \
    }                                          \
  } while (0)

static int wbRead(sqlite3_file *f, void *out, int n, sqlite3_int64 off) {
  WbFile *p = (WbFile *)f;
  WB_FLUSH_FIRST(p);
  return p->real->pMethods->xRead(p->real, out, n, off);
}

static int wbWrite(sqlite3_file *f, const void *data, int n, sqlite3_int64 off) {
  WbFile *p = (WbFile *)f;
  if (!p->isWal || !p->batching) return p->real->pMethods->xWrite(p->real, data, n, off);
  if (p->bufLen > 0 && (off != p->bufOff + p->bufLen || p->bufLen + n > WB_BUFFER_MAX)) {
    int rc = wbFlush(p);
    if (rc != SQLITE_OK) return rc;
  }
  if (n > WB_BUFFER_MAX) {
    WB_COUNT(wbDirect);
    return p->real->pMethods->xWrite(p->real, data, n, off);
  }
  int rc = wbReserve(p, off, off + n);
  if (rc == SQLITE_NOTFOUND) {
    rc = wbStopBatching(p);
    if (rc != SQLITE_OK) return rc;
    WB_COUNT(wbDirect);
    return p->real->pMethods->xWrite(p->real, data, n, off);
  }
  if (rc != SQLITE_OK) return rc;
  if (p->bufLen == 0) p->bufOff = off;
  if (p->bufLen + n > p->bufCap) {
    int cap = p->bufCap ? p->bufCap : 256 * 1024;
    while (cap < p->bufLen + n) cap *= 2;
    if (cap > WB_BUFFER_MAX) cap = WB_BUFFER_MAX;
    unsigned char *grown = sqlite3_realloc(p->buf, cap);
    if (!grown) return SQLITE_NOMEM;
    p->buf = grown;
    p->bufCap = cap;
  }
  memcpy(p->buf + p->bufLen, data, (size_t)n);
  p->bufLen += n;
  WB_ADD(wbPending, n);
  WB_COUNT(wbKept);
  return SQLITE_OK;
}

static int wbTruncate(sqlite3_file *f, sqlite3_int64 size) {
  WbFile *p = (WbFile *)f;
  WB_FLUSH_FIRST(p);
  int rc = p->real->pMethods->xTruncate(p->real, size);
  /* Truncation frees the space allocated past the new end. */
  if (p->isWal && p->reserved > size) p->reserved = -1;
  return rc;
}

static int wbSync(sqlite3_file *f, int flags) {
  WbFile *p = (WbFile *)f;
  WB_FLUSH_FIRST(p);
  return p->real->pMethods->xSync(p->real, flags);
}

static int wbFileSize(sqlite3_file *f, sqlite3_int64 *size) {
  WbFile *p = (WbFile *)f;
  WB_FLUSH_FIRST(p);
  return p->real->pMethods->xFileSize(p->real, size);
}

static int wbLock(sqlite3_file *f, int level) {
  WbFile *p = (WbFile *)f;
  return p->real->pMethods->xLock(p->real, level);
}

static int wbUnlock(sqlite3_file *f, int level) {
  WbFile *p = (WbFile *)f;
  return p->real->pMethods->xUnlock(p->real, level);
}

static int wbCheckReservedLock(sqlite3_file *f, int *out) {
  WbFile *p = (WbFile *)f;
  return p->real->pMethods->xCheckReservedLock(p->real, out);
}

static int wbFileControl(sqlite3_file *f, int op, void *arg) {
  WbFile *p = (WbFile *)f;
  WB_FLUSH_FIRST(p);
  if (op == SQLITE_FCNTL_VFSNAME) {
    int rc = p->real->pMethods->xFileControl(p->real, op, arg);
    if (rc == SQLITE_OK) *(char **)arg = sqlite3_mprintf("walbatch/%z", *(char **)arg);
    return rc;
  }
  return p->real->pMethods->xFileControl(p->real, op, arg);
}

static int wbSectorSize(sqlite3_file *f) {
  WbFile *p = (WbFile *)f;
  return p->real->pMethods->xSectorSize(p->real);
}

static int wbDeviceCharacteristics(sqlite3_file *f) {
  WbFile *p = (WbFile *)f;
  return p->real->pMethods->xDeviceCharacteristics(p->real);
}

static int wbShmMap(sqlite3_file *f, int region, int size, int extend, void volatile **out) {
  WbFile *p = (WbFile *)f;
  if (p->real->pMethods->iVersion < 2) return SQLITE_IOERR_SHMMAP;
  return p->real->pMethods->xShmMap(p->real, region, size, extend, out);
}

/*
** The WAL's write lock is slot 0 of the wal-index's locks. When its writer lets it go, whatever the VFS
** still keeps for its WAL belongs to a transaction that did not commit (a commit's barrier wrote all of
** it): frames SQLite spilled before a ROLLBACK. They are dropped before the lock is released — written
** later they would land over the frames of the next writer (another connection or process).
*/
static int wbShmLock(sqlite3_file *f, int offset, int n, int flags) {
  WbFile *p = (WbFile *)f;
  if (p->real->pMethods->iVersion < 2) return SQLITE_IOERR_SHMLOCK;
  if (offset == 0 && (flags & SQLITE_SHM_UNLOCK) && (flags & SQLITE_SHM_EXCLUSIVE) && p->wal && p->wal->bufLen > 0) {
    WB_ADD(wbPending, -(sqlite3_int64)p->wal->bufLen);
    WB_COUNT(wbDropped);
    p->wal->bufLen = 0;
  }
  /* A write transaction begins: the file may have been truncated by another writer since the last. */
  if (offset == 0 && (flags & SQLITE_SHM_LOCK) && (flags & SQLITE_SHM_EXCLUSIVE) && p->wal) p->wal->reserved = -1;
  return p->real->pMethods->xShmLock(p->real, offset, n, flags);
}

/* The moment a commit's frames must be in the file: see the top of this file. */
static void wbShmBarrier(sqlite3_file *f) {
  WbFile *p = (WbFile *)f;
  if (p->wal && p->wal->bufLen > 0) wbFlushOrAbort(p->wal);
  if (p->real->pMethods->iVersion >= 2) p->real->pMethods->xShmBarrier(p->real);
}

static int wbShmUnmap(sqlite3_file *f, int deleteFlag) {
  WbFile *p = (WbFile *)f;
  if (p->real->pMethods->iVersion < 2) return SQLITE_OK;
  return p->real->pMethods->xShmUnmap(p->real, deleteFlag);
}

static int wbFetch(sqlite3_file *f, sqlite3_int64 off, int n, void **out) {
  WbFile *p = (WbFile *)f;
  WB_FLUSH_FIRST(p);
  if (p->real->pMethods->iVersion < 3) {
    *out = 0;
    return SQLITE_OK;
  }
  return p->real->pMethods->xFetch(p->real, off, n, out);
}

static int wbUnfetch(sqlite3_file *f, sqlite3_int64 off, void *ptr) {
  WbFile *p = (WbFile *)f;
  if (p->real->pMethods->iVersion < 3) return SQLITE_OK;
  return p->real->pMethods->xUnfetch(p->real, off, ptr);
}

static const sqlite3_io_methods wbMethods = {
    3,           wbClose,      wbRead,      wbWrite,   wbTruncate,  wbSync,
    wbFileSize,  wbLock,       wbUnlock,    wbCheckReservedLock,    wbFileControl,
    wbSectorSize, wbDeviceCharacteristics,  wbShmMap,  wbShmLock,   wbShmBarrier,
    wbShmUnmap,  wbFetch,      wbUnfetch,
};

/* ---- the VFS ---- */

static int wbOpen(sqlite3_vfs *vfs, sqlite3_filename zName, sqlite3_file *f, int flags, int *outFlags) {
  (void)vfs;
  WbFile *p = (WbFile *)f;
  memset(p, 0, sizeof(*p));
  p->fd = -1;
  p->reserved = -1;
  p->real = (sqlite3_file *)&p[1];
  int rc = wbOrig->xOpen(wbOrig, zName, p->real, flags, outFlags);
  if (rc != SQLITE_OK || p->real->pMethods == 0) {
    p->base.pMethods = 0;
    return rc;
  }
  p->base.pMethods = &wbMethods;
  if ((flags & SQLITE_OPEN_MAIN_DB) && zName) {
    p->zName = zName;
    sqlite3_mutex *m = sqlite3_mutex_alloc(SQLITE_MUTEX_STATIC_VFS1);
    sqlite3_mutex_enter(m);
    p->next = wbDatabases;
    wbDatabases = p;
    sqlite3_mutex_leave(m);
  } else if ((flags & SQLITE_OPEN_WAL) && zName) {
    p->isWal = 1;
    const char *dbName = sqlite3_filename_database(zName);
    sqlite3_mutex *m = sqlite3_mutex_alloc(SQLITE_MUTEX_STATIC_VFS1);
    sqlite3_mutex_enter(m);
    for (WbFile *d = wbDatabases; d; d = d->next) {
      if (d->zName == dbName) {
        p->db = d;
        d->wal = p;
        break;
      }
    }
    sqlite3_mutex_leave(m);
    /* Its own descriptor: the one write of the kept frames, and the allocation of their space. */
    if (p->db && (flags & SQLITE_OPEN_READWRITE)) p->fd = open(zName, O_RDWR | O_CLOEXEC);
    p->batching = p->db != 0 && p->fd >= 0;
  }
  return SQLITE_OK;
}

static int wbDelete(sqlite3_vfs *v, const char *z, int syncDir) {
  (void)v;
  return wbOrig->xDelete(wbOrig, z, syncDir);
}
static int wbAccess(sqlite3_vfs *v, const char *z, int flags, int *out) {
  (void)v;
  return wbOrig->xAccess(wbOrig, z, flags, out);
}
static int wbFullPathname(sqlite3_vfs *v, const char *z, int n, char *out) {
  (void)v;
  return wbOrig->xFullPathname(wbOrig, z, n, out);
}
static void *wbDlOpen(sqlite3_vfs *v, const char *z) {
  (void)v;
  return wbOrig->xDlOpen(wbOrig, z);
}
static void wbDlError(sqlite3_vfs *v, int n, char *out) {
  (void)v;
  wbOrig->xDlError(wbOrig, n, out);
}
static void (*wbDlSym(sqlite3_vfs *v, void *h, const char *z))(void) {
  (void)v;
  return wbOrig->xDlSym(wbOrig, h, z);
}
static void wbDlClose(sqlite3_vfs *v, void *h) {
  (void)v;
  wbOrig->xDlClose(wbOrig, h);
}
static int wbRandomness(sqlite3_vfs *v, int n, char *out) {
  (void)v;
  return wbOrig->xRandomness(wbOrig, n, out);
}
static int wbSleep(sqlite3_vfs *v, int us) {
  (void)v;
  return wbOrig->xSleep(wbOrig, us);
}
static int wbCurrentTime(sqlite3_vfs *v, double *out) {
  (void)v;
  return wbOrig->xCurrentTime(wbOrig, out);
}
static int wbGetLastError(sqlite3_vfs *v, int n, char *out) {
  (void)v;
  return wbOrig->xGetLastError ? wbOrig->xGetLastError(wbOrig, n, out) : 0;
}
static int wbCurrentTimeInt64(sqlite3_vfs *v, sqlite3_int64 *out) {
  (void)v;
  return wbOrig->xCurrentTimeInt64(wbOrig, out);
}

/*
** The page cache's parked page. When a B-tree page splits, SQLite (balance_nonroot) puts the new pages in
** ascending order by swapping two pages' numbers through a temporary one: the pending-byte page's,
** PENDING_BYTE / page size + 1 (262,145 with 4 KiB pages), which never holds data. The page cache (pcache1)
** keeps the largest page number it has seen, `iMaxKey`, and the temporary one raises it; at the commit,
** truncating the cache to the database's size then finds "pages" past the end and, the gap being larger
** than its hash table, walks every slot of the table — one per cached page, 16,384 with a 64 MiB cache — on
** every commit that split a page, in a database under 1 GiB. In bench:commerce that walk was 4.7 % of the
** event loop (docs/BENCHMARKS.md, session 18). The three renumberings of a swap follow one another, and the
** page parked on the temporary number leaves it at the third: so after the first, iMaxKey is set back to
** what it was. Nothing else ever renumbers a page to the pending-byte page's number (it is never
** allocated), and every page in the cache still has a number no larger than iMaxKey once the swap is done:
** truncations remove what they removed before, without the walk. A cache belongs to one connection (in
** this multi-thread build each has a group of its own) and its methods run on the thread using the
** connection: the wrapper reads and sets iMaxKey where pcache1 itself would.
**
** SQLite's page cache cannot be replaced from an extension (sqlite3_config is not in the extension API,
** and must be called before SQLite starts), so the library wraps one method of it in place: the table of
** page-cache methods in SQLite's global configuration (`sqlite3Config.pcache2`), found through the symbol
** table of the module that holds SQLite (better-sqlite3's), and only when everything checks out: SQLite
** 3.54.1 (whose PCache1 starts as WbPCache1 below), the module's symbols found (sqlite3Config, pcache1Fetch,
** pcache1Rekey, pcache1Truncate) and placed where SQLite's own sqlite3_libversion_number is, and the
** configuration holding exactly one run of pcache1's xFetch, xUnpin, xRekey, xTruncate. Otherwise SQLite
** is left as it is (walbatch_stats().cacheFix is 0): the walk stays, nothing else changes.
*/
typedef struct WbPCache1 {
  void *pGroup;
  unsigned int *pnPurgeable;
  int szPage;
  int szExtra;
  int szAlloc;
  int bPurgeable;
  unsigned int nMin;
  unsigned int nMax;
  unsigned int n90pct;
  unsigned int iMaxKey;
} WbPCache1;

typedef void (*WbRekeyFn)(sqlite3_pcache *, sqlite3_pcache_page *, unsigned int, unsigned int);
static WbRekeyFn wbOrigRekey = 0;
static int wbCacheFix = 0;
static sqlite3_int64 wbParked = 0;

/* pcache1's xRekey, then iMaxKey set back if the page was only parked on the pending-byte page's number. */
static void wbRekey(sqlite3_pcache *p, sqlite3_pcache_page *page, unsigned int iOld, unsigned int iNew) {
  WbPCache1 *cache = (WbPCache1 *)p;
  unsigned int before = cache->iMaxKey;
  wbOrigRekey(p, page, iOld, iNew);
  if (iNew > before && cache->szPage > 0 && iNew == 0x40000000u / (unsigned int)cache->szPage + 1) {
    cache->iMaxKey = before;
    WB_COUNT(wbParked);
  }
}

#if defined(__linux__) && defined(__LP64__)
/* The symbol `name` in an ELF file's symbol table (mapped at `file`, `size` bytes), or 0. */
static const ElfW(Sym) *wbSymbol(const unsigned char *file, size_t size, const char *name) {
  const ElfW(Ehdr) *eh = (const ElfW(Ehdr) *)file;
  if (eh->e_shoff == 0 || eh->e_shentsize != sizeof(ElfW(Shdr))) return 0;
  if (eh->e_shoff + (size_t)eh->e_shnum * sizeof(ElfW(Shdr)) > size) return 0;
  const ElfW(Shdr) *sh = (const ElfW(Shdr) *)(file + eh->e_shoff);
  for (int i = 0; i < eh->e_shnum; i++) {
    if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh->e_shnum) continue;
    const ElfW(Shdr) *strs = &sh[sh[i].sh_link];
    if (sh[i].sh_offset + sh[i].sh_size > size || strs->sh_offset + strs->sh_size > size) return 0;
    const ElfW(Sym) *syms = (const ElfW(Sym) *)(file + sh[i].sh_offset);
    size_t n = sh[i].sh_size / sizeof(ElfW(Sym));
    const char *names = (const char *)(file + strs->sh_offset);
    for (size_t k = 0; k < n; k++) {
      if (syms[k].st_name >= strs->sh_size || syms[k].st_value == 0) continue;
      const char *sym = names + syms[k].st_name;
      if (strnlen(sym, strs->sh_size - syms[k].st_name) < strs->sh_size - syms[k].st_name && strcmp(sym, name) == 0)
        return &syms[k];
    }
  }
  return 0;
}

static void wbFixPageCache(void) {
  if (sqlite3_libversion_number() != 3054001) return;
  void *probe = (void *)sqlite3_api->libversion_number;
  Dl_info info;
  if (dladdr(probe, &info) == 0 || info.dli_fname == 0 || info.dli_fbase == 0) return;
  int fd = open(info.dli_fname, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  struct stat st;
  void *map = MAP_FAILED;
  if (fstat(fd, &st) == 0 && st.st_size > (off_t)sizeof(ElfW(Ehdr)))
    map = mmap(0, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (map == MAP_FAILED) return;
  const unsigned char *file = map;
  size_t size = (size_t)st.st_size;
  if (memcmp(file, ELFMAG, SELFMAG) == 0 && file[EI_CLASS] == ELFCLASS64) {
    const ElfW(Sym) *config = wbSymbol(file, size, "sqlite3Config");
    const ElfW(Sym) *fetch = wbSymbol(file, size, "pcache1Fetch");
    const ElfW(Sym) *rekey = wbSymbol(file, size, "pcache1Rekey");
    const ElfW(Sym) *truncate = wbSymbol(file, size, "pcache1Truncate");
    const ElfW(Sym) *version = wbSymbol(file, size, "sqlite3_libversion_number");
    uintptr_t base = (uintptr_t)info.dli_fbase;
    if (config && fetch && rekey && truncate && version && base + version->st_value == (uintptr_t)probe &&
        (base + config->st_value) % sizeof(void *) == 0) {
      void **slots = (void **)(base + config->st_value);
      size_t n = config->st_size / sizeof(void *);
      void *wantFetch = (void *)(base + fetch->st_value);
      void *wantRekey = (void *)(base + rekey->st_value);
      void *wantTruncate = (void *)(base + truncate->st_value);
      size_t at = 0;
      int found = 0;
      /* sqlite3_pcache_methods2: … xFetch, xUnpin, xRekey, xTruncate … */
      for (size_t i = 2; i + 1 < n; i++)
        if (slots[i - 2] == wantFetch && slots[i] == wantRekey && slots[i + 1] == wantTruncate) {
          at = i;
          found++;
        }
      if (found == 1) {
        wbOrigRekey = (WbRekeyFn)wantRekey;
        __atomic_store_n(&slots[at], (void *)wbRekey, __ATOMIC_SEQ_CST);
        wbCacheFix = 1;
      }
    }
  }
  munmap(map, size);
}
#else
static void wbFixPageCache(void) {}
#endif

/* walbatch_stats(): '{"kept":…,"flushes":…,"direct":…,"dropped":…,"pending":…,"cacheFix":…,"parked":…}',
** the process's counts since it loaded the VFS (cacheFix: 1 when the page cache's walk is avoided, parked:
** the pages parked on the pending-byte page's number since, wbRekey). */
static void wbStatsFunc(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  (void)argv;
  char *json = sqlite3_mprintf(
      "{\"kept\":%lld,\"flushes\":%lld,\"direct\":%lld,\"dropped\":%lld,\"pending\":%lld,\"cacheFix\":%d,"
      "\"parked\":%lld}",
      __atomic_load_n(&wbKept, __ATOMIC_RELAXED), __atomic_load_n(&wbFlushes, __ATOMIC_RELAXED),
      __atomic_load_n(&wbDirect, __ATOMIC_RELAXED), __atomic_load_n(&wbDropped, __ATOMIC_RELAXED),
      __atomic_load_n(&wbPending, __ATOMIC_RELAXED), wbCacheFix, __atomic_load_n(&wbParked, __ATOMIC_RELAXED));
  sqlite3_result_text(ctx, json, -1, sqlite3_free);
}

/* walbatch_qpsg(): 1 when this connection plans its statements without their bound values (below). */
static void wbQpsgFunc(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  (void)argv;
  int on = 0;
  sqlite3_db_config(sqlite3_context_db_handle(ctx), SQLITE_DBCONFIG_ENABLE_QPSG, -1, &on);
  sqlite3_result_int(ctx, on);
}

/* Every connection of the process, as it opens: its functions, and the query planner stability
** guarantee. better-sqlite3 clears a statement's bindings after each call (sqlite3_clear_bindings), and
** SQLite expires a statement whose plan may depend on a bound value when its bindings are cleared — in the
** SQLite that better-sqlite3 13.2 bundles (3.54.1), any `col = ?` the planner weighs as a filter (in a
** statement with ORDER BY or max()) and any LIMIT ?. Each such statement was parsed and planned again on
** every call: an order's timeline, shipments, requests and refunds; a customer's standing (111 µs per read
** in bench:commerce; apart 21–30 µs, against 10 planned once: docs/BENCHMARKS.md, session 17). With QPSG a
** statement is planned once, without the values (as PostgreSQL's generic plans are), and never again. */
static int wbConnection(sqlite3 *db, char **err, const sqlite3_api_routines *api) {
  (void)err;
  (void)api;
  sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_QPSG, 1, (int *)0);
  int rc = sqlite3_create_function(db, "walbatch_qpsg", 0, SQLITE_UTF8, 0, wbQpsgFunc, 0, 0);
  if (rc != SQLITE_OK) return rc;
  return sqlite3_create_function(db, "walbatch_stats", 0, SQLITE_UTF8, 0, wbStatsFunc, 0, 0);
}

#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_walbatch_init(sqlite3 *db, char **err, const sqlite3_api_routines *api) {
  SQLITE_EXTENSION_INIT2(api);
  (void)err;
  if (sqlite3_vfs_find("walbatch") == 0) {
    wbOrig = sqlite3_vfs_find(0);
    if (wbOrig == 0) return SQLITE_ERROR;
    memset(&wbVfs, 0, sizeof(wbVfs));
    wbVfs.iVersion = 2;
    wbVfs.szOsFile = (int)sizeof(WbFile) + wbOrig->szOsFile;
    wbVfs.mxPathname = wbOrig->mxPathname;
    wbVfs.zName = "walbatch";
    wbVfs.xOpen = wbOpen;
    wbVfs.xDelete = wbDelete;
    wbVfs.xAccess = wbAccess;
    wbVfs.xFullPathname = wbFullPathname;
    wbVfs.xDlOpen = wbDlOpen;
    wbVfs.xDlError = wbDlError;
    wbVfs.xDlSym = wbDlSym;
    wbVfs.xDlClose = wbDlClose;
    wbVfs.xRandomness = wbRandomness;
    wbVfs.xSleep = wbSleep;
    wbVfs.xCurrentTime = wbCurrentTime;
    wbVfs.xGetLastError = wbGetLastError;
    wbVfs.xCurrentTimeInt64 = wbCurrentTimeInt64;
    int rc = sqlite3_vfs_register(&wbVfs, 1);
    if (rc != SQLITE_OK) return rc;
    rc = sqlite3_auto_extension((void (*)(void))wbConnection);
    if (rc != SQLITE_OK) return rc;
    wbFixPageCache();
  }
  int rc = wbConnection(db, err, api);
  return rc == SQLITE_OK ? SQLITE_OK_LOAD_PERMANENTLY : rc;
}
