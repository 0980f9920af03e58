<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>Application</name>
    <message>
        <source>婚姻登记窗口客户端</source>
        <translation>Marriage Registration Counter</translation>
    </message>
</context>
<context>
    <name>CapturePage</name>
    <message>
        <source>正在打开摄像头……</source>
        <extracomment>Recorded in the journal (Chinese, whatever the screen language).</extracomment>
        <translation>Opening the camera…</translation>
    </message>
    <message>
        <source>拍照（回车）</source>
        <translation>Take the photo (Enter)</translation>
    </message>
    <message>
        <source>重新做活体检测（回车）</source>
        <translation>Repeat the liveness check (Enter)</translation>
    </message>
    <message>
        <source>当事人无法完成动作，登记员确认免做（F12）</source>
        <translation>Party cannot do the movements: registrar waives the check (F12)</translation>
    </message>
    <message>
        <source>本人与证件一致（回车）</source>
        <translation>Same person as the document (Enter)</translation>
    </message>
    <message>
        <source>不一致（F4）</source>
        <translation>Not the same (F4)</translation>
    </message>
    <message>
        <source>{error}。请检查摄像头后按 Esc 返回再试。</source>
        <translation>{error}. Check the camera, then press Esc and try again.</translation>
    </message>
    <message>
        <source>{who}：活体检测、现场拍照与人证核验</source>
        <translation>{who}: liveness check, photo and identity check</translation>
    </message>
    <message>
        <source>已由登记员确认免做活体检测。请当事人正对镜头。</source>
        <translation>Liveness check waived by the registrar. The party should face the camera.</translation>
    </message>
    <message>
        <source>活体检测通过</source>
        <translation>Liveness check passed</translation>
    </message>
    <message>
        <source>活体检测未通过</source>
        <translation>Liveness check failed</translation>
    </message>
    <message>
        <source>{prompt}。按回车重新检测；当事人确实无法完成时按 F12。</source>
        <translation>{prompt}. Press Enter to try again; press F12 if the party really cannot do it.</translation>
    </message>
    <message>
        <source>摄像头没有画面</source>
        <translation>No picture from the camera</translation>
    </message>
    <message>
        <source>{status}。插好后会自动恢复，不必退出；已拍的照片都已保存。</source>
        <translation>{status}. It resumes by itself once plugged in; no need to leave. Photos taken are saved.</translation>
    </message>
    <message>
        <source>摄像头已恢复。</source>
        <translation>The camera is back.</translation>
    </message>
    <message>
        <source>照片合格，请按回车拍照。</source>
        <translation>The picture is good: press Enter to take the photo.</translation>
    </message>
    <message>
        <source>；</source>
        <translation>; </translation>
    </message>
    <message>
        <source>正在比对证件照片……</source>
        <translation>Comparing with the document photo…</translation>
    </message>
    <message>
        <source>没有可比对的芯片照片（居民身份证照片需厂商解码库），请当面核对本人与证件。</source>
        <translation>No chip photo to compare with (a resident ID card photo needs the vendor&apos;s decoder): check the person against the document in person.</translation>
    </message>
    <message>
        <source>比对出错</source>
        <translation>Comparison failed</translation>
    </message>
    <message>
        <source>{message}。请当面核对本人与证件。</source>
        <translation>{message}. Check the person against the document in person.</translation>
    </message>
    <message>
        <source>{who}与证件不一致：不能继续办理。请报负责人。</source>
        <translation>{who} does not match the document: the case cannot go on. Tell the supervisor.</translation>
    </message>
</context>
<context>
    <name>CertificatesPage</name>
    <message>
        <source>卡纸</source>
        <extracomment>Why a blank was voided; recorded in the journal in Chinese, shown in the screen&apos;s language.</extracomment>
        <translation>Paper jam</translation>
    </message>
    <message>
        <source>打印错位</source>
        <translation>Printed out of place</translation>
    </message>
    <message>
        <source>污损</source>
        <translation>Soiled</translation>
    </message>
    <message>
        <source>其他打印错误</source>
        <translation>Other printing error</translation>
    </message>
    <message>
        <source>打印正确，确认（回车）</source>
        <translation>Printed correctly: confirm (Enter)</translation>
    </message>
    <message>
        <source>作废这本，重新打印（F4）</source>
        <translation>Void this booklet and print again (F4)</translation>
    </message>
    <message>
        <source>返回首页（Esc）</source>
        <translation>Back to home (Esc)</translation>
    </message>
    <message>
        <source>作废原因：</source>
        <translation>Reason for voiding:</translation>
    </message>
    <message>
        <source>{cert}已全部打印（字号 {number}）</source>
        <translation>All {cert} booklets printed (number {number})</translation>
    </message>
    <message>
        <source>男方、女方{cert}均已确认。请当事人核对后签收。</source>
        <translation>Both booklets ({cert}) confirmed. Let the parties check them and sign for them.</translation>
    </message>
    <message>
        <source>打印{who}{cert}（字号 {number}）</source>
        <translation>Print the {who}&apos;s {cert} (number {number})</translation>
    </message>
    <message>
        <source>放入空白证后打印{who}{cert}（F9）</source>
        <translation>Insert a blank booklet, then print the {who}&apos;s {cert} (F9)</translation>
    </message>
    <message>
        <source>请检查刚打印的{who}{cert}（印制号 {serial}）：内容、位置是否正确。</source>
        <translation>Check the {who}&apos;s {cert} just printed (blank serial {serial}): are the contents and positions right?</translation>
    </message>
    <message>
        <source>请在打印机中放入一本空白{cert}（{who}）。</source>
        <translation>Put a blank {cert} booklet in the printer ({who}).</translation>
    </message>
    <message>
        <source>{who}{cert}已确认（印制号 {serial}）。</source>
        <translation>The {who}&apos;s {cert} is confirmed (blank serial {serial}).</translation>
    </message>
    <message>
        <source>空白证 {serial} 已作废（{reason}）。请放入下一本空白证后重新打印。</source>
        <translation>Blank {serial} voided ({reason}). Insert the next blank booklet and print again.</translation>
    </message>
</context>
<context>
    <name>DeclarationPage</name>
    <message>
        <source>未婚</source>
        <translation>Never married</translation>
    </message>
    <message>
        <source>离婚</source>
        <translation>Divorced</translation>
    </message>
    <message>
        <source>丧偶</source>
        <translation>Widowed</translation>
    </message>
    <message>
        <source>签名板模拟器签名（F6）</source>
        <translation>Sign with the tablet simulator (F6)</translation>
    </message>
    <message>
        <source>确认签名（回车）</source>
        <translation>Confirm signature (Enter)</translation>
    </message>
    <message>
        <source>按指纹（回车）</source>
        <translation>Take fingerprint (Enter)</translation>
    </message>
    <message>
        <source>登记员见证确认（回车）</source>
        <translation>Registrar confirms as witness (Enter)</translation>
    </message>
    <message>
        <source>清除重签（F4）</source>
        <translation>Clear and sign again (F4)</translation>
    </message>
    <message>
        <source>返回业务（Esc），已完成的会保存</source>
        <translation>Back to the case (Esc); what is done is saved</translation>
    </message>
    <message>
        <source>婚姻状况：</source>
        <translation>Marital status:</translation>
    </message>
    <message>
        <source>职业：</source>
        <translation>Occupation:</translation>
    </message>
    <message>
        <source>文化程度：</source>
        <translation>Education:</translation>
    </message>
    <message>
        <source>请当事人在下方签名区签名：</source>
        <translation>The party signs in the area below:</translation>
    </message>
    <message>
        <source>{who}：申请结婚登记声明书</source>
        <translation>{who}: declaration for marriage registration</translation>
    </message>
    <message>
        <source>请{who}阅读左侧声明书，核对无误后在签名区签名，然后按回车确认。</source>
        <translation>{who} reads the declaration on the left, checks it, signs in the signing area, then press Enter to confirm.</translation>
    </message>
    <message>
        <source>请{who}将右手食指平放在指纹仪上，然后按回车采集指纹。</source>
        <translation>{who} places the right index finger flat on the fingerprint pad; then press Enter to take the fingerprint.</translation>
    </message>
    <message>
        <source>{who}已签名并按指纹。登记员确认当事人本人当面签署后，按回车见证确认。</source>
        <translation>{who} has signed and given a fingerprint. Once you have seen the party sign in person, press Enter to confirm as witness.</translation>
    </message>
    <message>
        <source>签名后声明书内容有改动，原签名已失效，请重新签名。</source>
        <translation>The declaration changed after it was signed; the signature is no longer valid. Please sign again. </translation>
    </message>
    <message>
        <source>签名板模拟器没有可回放的签名。请用鼠标或手写笔在签名区签名。</source>
        <translation>The tablet simulator has no signature to replay. Sign in the signing area with the mouse or a pen.</translation>
    </message>
    <message>
        <source>签名板没有反应时，请检查签名板的 USB 线，或用鼠标在签名区签名。</source>
        <translation> If the tablet does not respond, check its USB cable, or sign in the signing area with the mouse.</translation>
    </message>
    <message>
        <source>请按住指纹仪……</source>
        <translation>Keep the finger on the pad…</translation>
    </message>
    <message>
        <source>合格</source>
        <translation>good</translation>
    </message>
    <message>
        <source>不清晰</source>
        <translation>unclear</translation>
    </message>
    <message>
        <source>指纹质量 {quality}（{verdict}）</source>
        <translation>Fingerprint quality {quality} ({verdict})</translation>
    </message>
    <message>
        <source>指纹仪出错，请重新插拔指纹仪后再按一次；仍不行请联系技术人员。</source>
        <translation>The fingerprint pad failed. Unplug it, plug it in again and press once more; if it still fails, call a technician.</translation>
    </message>
    <message>
        <source>（按回车重试，Esc 返回业务）</source>
        <translation> (Enter to retry, Esc back to the case)</translation>
    </message>
</context>
<context>
    <name>DeviceStatusWidget</name>
    <message>
        <source>正在检查设备……</source>
        <translation>Checking the devices…</translation>
    </message>
    <message>
        <source>设备：</source>
        <translation>Devices:</translation>
    </message>
    <message>
        <source>点击查看详情并重试</source>
        <translation>Click for details and to retry</translation>
    </message>
    <message>
        <source>设备检查失败，请点击重试</source>
        <translation>Device check failed: click to retry</translation>
    </message>
    <message>
        <source>

请检查连线和电源，然后点“重试”。仍不行请联系技术人员。</source>
        <translation>

Check the cable and the power, then click &quot;Retry&quot;. If it still fails, call a technician.</translation>
    </message>
    <message>
        <source>重试</source>
        <translation>Retry</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>LoginPage</name>
    <message>
        <source>请登录</source>
        <translation>Please log in</translation>
    </message>
    <message>
        <source>工号</source>
        <translation>Operator ID</translation>
    </message>
    <message>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>登录（回车）</source>
        <translation>Log in (Enter)</translation>
    </message>
    <message>
        <source>工号：</source>
        <translation>Operator ID:</translation>
    </message>
    <message>
        <source>密码：</source>
        <translation>Password:</translation>
    </message>
    <message>
        <source>请输入工号和密码。</source>
        <translation>Enter your operator ID and password.</translation>
    </message>
    <message>
        <source>正在验证……</source>
        <translation>Checking…</translation>
    </message>
    <message>
        <source>登录时出现内部错误，请重试；如果反复出现，请联系技术人员。</source>
        <translation>An internal error occurred while logging in. Try again; if it keeps happening, call a technician.</translation>
    </message>
</context>
<context>
    <name>Names</name>
    <message>
        <source>男方</source>
        <extracomment>Language setting -&gt; compiled catalogue (None: the source language, nothing to load). Names the screens use everywhere (the journal and the forms keep the Chinese ones).</extracomment>
        <translation>man</translation>
    </message>
    <message>
        <source>女方</source>
        <translation>woman</translation>
    </message>
    <message>
        <source>结婚证</source>
        <translation>marriage certificate</translation>
    </message>
    <message>
        <source>离婚证</source>
        <translation>divorce certificate</translation>
    </message>
</context>
</TS>
