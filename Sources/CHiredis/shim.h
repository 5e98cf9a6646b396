#ifndef ATRIUM_CHIREDIS_SHIM_H
#define ATRIUM_CHIREDIS_SHIM_H

#include <hiredis/hiredis.h>
#include <hiredis/read.h>

/* hiredis exposes these as function-like macros, which Swift cannot import. */
static inline const char *chiredis_reader_errstr(const redisReader *r) { return r->errstr; }
static inline int chiredis_reader_err(const redisReader *r) { return r->err; }

#endif
