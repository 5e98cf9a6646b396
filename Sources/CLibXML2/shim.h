// libxml2 as Swift sees it: the push (SAX2) parser and its error type.
//
// Debian builds libxml2 with ICU, so <libxml/encoding.h> would include the system's <unicode/ucnv.h>; its
// UErrorCode then clashes with Foundation's own copy of ICU (_FoundationICU) and a clean build fails. Atrium
// never touches libxml2's encoding handlers (only pointers to them pass through), so ICU is switched off for
// the declarations Swift imports; the library itself is unchanged.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
