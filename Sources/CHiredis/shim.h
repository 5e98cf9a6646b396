#ifndef ATRIUM_CHIREDIS_SHIM_H
#define ATRIUM_CHIREDIS_SHIM_H

#include <hiredis/hiredis.h>
#include <hiredis/read.h>
#include <stdlib.h>

/* hiredis exposes these as function-like macros, which Swift cannot import. */
static inline const char *chiredis_reader_errstr(const redisReader *r) { return r->errstr; }
static inline int chiredis_reader_err(const redisReader *r) { return r->err; }

/*
 * hiredis 0.14 allocates a multi-bulk reply's element array up front from the count in its header, so a
 * reply of `*2147483647\r\n` makes it calloc 16 GiB before a single element has arrived (found by the
 * reply fuzzer; hiredis 1.x added `maxelements` for this). Atrium's readers refuse counts above this cap:
 * the array constructor returns NULL, hiredis reports an out-of-memory reader error, and the connection
 * is closed with a protocol error. No reply Atrium asks for comes near 16 M elements.
 */
#define CHIREDIS_MAX_ARRAY_ELEMENTS (1 << 24)

/* Per reader, hung off reader->privdata (which hiredis passes to every callback as task->privdata):
 * header-only C cannot keep globals Swift would emit. */
typedef struct chiredis_guard {
    redisReplyObjectFunctions functions;
    void *(*default_create_array)(const redisReadTask *, int);
} chiredis_guard;

static inline void *chiredis_guarded_create_array(const redisReadTask *task, int elements) {
    const chiredis_guard *guard = (const chiredis_guard *)task->privdata;
    if (elements < 0 || elements > CHIREDIS_MAX_ARRAY_ELEMENTS) return NULL;
    return guard->default_create_array(task, elements);
}

/* A reader with hiredis's default reply objects, except that oversized arrays are refused.
 * Free it with chiredis_reader_free. */
static inline redisReader *chiredis_reader_create(void) {
    chiredis_guard *guard = (chiredis_guard *)malloc(sizeof(chiredis_guard));
    if (guard == NULL) return NULL;
    redisReader *reader = redisReaderCreate();
    if (reader == NULL) {
        free(guard);
        return NULL;
    }
    guard->functions = *reader->fn;
    guard->default_create_array = reader->fn->createArray;
    guard->functions.createArray = chiredis_guarded_create_array;
    reader->fn = &guard->functions;
    reader->privdata = guard;
    return reader;
}

static inline void chiredis_reader_free(redisReader *reader) {
    void *guard = reader->privdata;
    redisReaderFree(reader);
    free(guard);
}

#endif
