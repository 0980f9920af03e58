/* A stand-in for a vendor's sdtapi library and WLT decoder, compiled by the tests so that
 * drivers/idcard/vendor_sdk.py and wlt.py are exercised through real ctypes calls.
 * Return codes are SAM SW3 values, as in the real sdtapi (identity.md §1.5, §1.10). */
#include <string.h>

static unsigned char text[256], photo[1024];
static int have_card = 0, open_port = -1, forced = 0;

int fake_set_card(const unsigned char *t, const unsigned char *p) {
    if (!t) { have_card = 0; return 0; }
    memcpy(text, t, 256); memcpy(photo, p, 1024); have_card = 1; return 0;
}
int fake_force_status(int s) { forced = s; return 0; }

int SDT_OpenPort(int port) { if (port != 1001) return 0x01; open_port = port; return 0x90; }
int SDT_ClosePort(int port) { open_port = -1; return 0x90; }
int SDT_StartFindIDCard(int port, unsigned char *buf, int if_open) {
    if (port != open_port) return 0x01;
    if (!have_card) return 0x80;
    memset(buf, 0, 4); return 0x9F;
}
int SDT_SelectIDCard(int port, unsigned char *buf, int if_open) {
    if (!have_card) return 0x81;
    memset(buf, 0, 8); return 0x90;
}
int SDT_ReadBaseMsg(int port, unsigned char *t, unsigned int *tl, unsigned char *p,
                    unsigned int *pl, int if_open) {
    if (forced) { int s = forced; forced = 0; return s; }
    if (!have_card) return 0x41;
    memcpy(t, text, 256); *tl = 256; memcpy(p, photo, 1024); *pl = 1024; return 0x90;
}
int SDT_GetSAMIDToStr(int port, char *out, int if_open) {
    strcpy(out, "05.01-20260101-0000000001-1234567890"); return 0x90;
}
/* WLT decoder shape "unpack(wlt, bmp, 1) -> 1": writes a recognisable 102x126 BMP header. */
int unpack(const char *wlt, char *bmp, int flag) {
    memset(bmp, 0, 38862); bmp[0] = 'B'; bmp[1] = 'M'; bmp[2] = wlt[0]; return 1;
}
