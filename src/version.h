/* version.h - the release of this build. */
#ifndef UG_VERSION_H
#define UG_VERSION_H
#define UG_VERSION "0.1.0"
#endif
