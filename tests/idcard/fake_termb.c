/* A stand-in for 华视's termb library (CVR_* plus the GetPeople* getters), compiled by the
 * tests so drivers/idcard/vendor_sdk.TermbReader runs through real ctypes calls. The test
 * sets the getters' strings (GB18030 bytes, as the vendor returns them) with fake_termb_set. */
#include <string.h>

static char fields[9][256];
static int have_card = 0, opened = 0;

int fake_termb_set(int i, const char *value) {
    strncpy(fields[i], value, 255); fields[i][255] = 0; return 0;
}
int fake_termb_card(int present) { have_card = present; return 0; }

int CVR_InitComm(int port) { opened = (port == 1001); return opened ? 1 : 0; }
int CVR_CloseComm(void) { opened = 0; return 1; }
int CVR_Authenticate(void) { return opened && have_card ? 1 : 0; }
int CVR_Read_Content(int active) { return opened && have_card ? 1 : 0; }

static int get(int i, char *buf, int *len) {
    int n = (int)strlen(fields[i]);
    memcpy(buf, fields[i], n + 1); *len = n; return 1;
}
int GetPeopleName(char *b, int *l) { return get(0, b, l); }
int GetPeopleSex(char *b, int *l) { return get(1, b, l); }
int GetPeopleNation(char *b, int *l) { return get(2, b, l); }
int GetPeopleBirthday(char *b, int *l) { return get(3, b, l); }
int GetPeopleAddress(char *b, int *l) { return get(4, b, l); }
int GetPeopleIDCode(char *b, int *l) { return get(5, b, l); }
int GetDepartment(char *b, int *l) { return get(6, b, l); }
int GetStartDate(char *b, int *l) { return get(7, b, l); }
int GetEndDate(char *b, int *l) { return get(8, b, l); }
