/* A stand-in for ZKTeco's libzkfp (ZKFinger SDK C API), compiled by the tests so that
 * drivers/fingerprint/zkfp.ZkfpPad runs through real ctypes calls. The test loads it too and
 * steers it: how many pads are connected, the image the sensor will deliver, after how many
 * polls a finger is on the window, and an error code to return instead. */
#include <string.h>

#define W 300
#define H 400
static unsigned char image[W * H];
static int devices = 1, polls_before_finger = 0, forced = 0, inited = 0, open_handle = 0;
static int polls = 0, terminated = 0;

void fake_zk_setup(int n_devices, int finger_after, int force_code, const unsigned char *img) {
    devices = n_devices; polls_before_finger = finger_after; forced = force_code; polls = 0;
    if (img) memcpy(image, img, sizeof image);
}
int fake_zk_polls(void) { return polls; }
int fake_zk_terminated(void) { return terminated; }

int ZKFPM_Init(void) { if (inited) return 1; inited = 1; return 0; }
int ZKFPM_Terminate(void) { inited = 0; terminated++; return 0; }
int ZKFPM_GetDeviceCount(void) { return inited ? devices : -24; }
void *ZKFPM_OpenDevice(int index) {
    if (!inited || index >= devices) return 0;
    open_handle = 1; return (void *)&open_handle;
}
int ZKFPM_CloseDevice(void *h) { if (h != &open_handle) return -7; open_handle = 0; return 0; }
int ZKFPM_GetParameters(void *h, int code, unsigned char *value, unsigned int *size) {
    unsigned int v;
    if (h != &open_handle || !open_handle) return -7;
    if (*size < 4) return -5;
    if (code == 1) v = W; else if (code == 2) v = H; else return -4;
    value[0] = v & 0xff; value[1] = (v >> 8) & 0xff; value[2] = 0; value[3] = 0;
    *size = 4; return 0;
}
int ZKFPM_AcquireFingerprint(void *h, unsigned char *img, unsigned int cb_img,
                             unsigned char *tpl, unsigned int *cb_tpl) {
    unsigned int i;
    if (h != &open_handle || !open_handle) return -7;
    if (cb_img < W * H || *cb_tpl < 16) return -5;
    polls++;
    if (forced) return forced;
    if (polls <= polls_before_finger) return -8;   /* no finger on the window yet */
    memcpy(img, image, W * H);
    for (i = 0; i < 16; i++) tpl[i] = (unsigned char)(0xA0 + i);
    *cb_tpl = 16;
    return 0;
}
