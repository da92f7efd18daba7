/*
 * fuzz_mk_form.c -- fuzz target of market-sim's form decoder (mk_form.c,
 * the Care API's multipart/form-data and urlencoded bodies).  Input: the
 * Content-Type on the first line, the body after it.  Checks what a caller
 * relies on: a decoded part never claims more bytes than the body has, its
 * data is NUL-terminated, and a file part has a name.  Replayed over
 * corpus/form as a ctest (tests/fuzz/fuzz_replay.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mk_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const uint8_t *nl = memchr(data, '\n', size);
  struct mk_req rq;
  struct mk_form f;
  char ctype[256], err[200], *body;
  size_t cl, bl, i;
  if(!nl)
    return 0;
  cl = (size_t)(nl - data);
  if(cl >= sizeof(ctype))
    cl = sizeof(ctype) - 1;
  memcpy(ctype, data, cl);
  ctype[cl] = '\0';
  bl = size - (size_t)(nl - data) - 1;
  body = malloc(bl + 1);
  if(!body)
    return 0;
  memcpy(body, nl + 1, bl);
  body[bl] = '\0';
  memset(&rq, 0, sizeof(rq));
  rq.method = "POST";
  rq.path = "/ws/sav/1/msg";
  rq.body = body;
  rq.body_len = bl;
  if(mk_kvs_add(&rq.headers, "content-type", ctype) == 0 &&
     mk_form_parse(&rq, &f, err, sizeof(err)) == 0) {
    for(i = 0; i < f.n; i++)
      if(f.a[i].len > bl || f.a[i].data[f.a[i].len] != '\0' || !f.a[i].name)
        abort();
    (void)mk_form_field(&f, "message");
    mk_form_free(&f);
  }
  else if(!err[0])
    abort();                      /* a refusal always says why */
  mk_kvs_free(&rq.headers);
  free(body);
  return 0;
}
