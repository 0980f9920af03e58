<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>AnswersStep</name>
    <message>
        <source>询问当事人（请逐项当面确认）</source>
        <extracomment>Findings not shown after acceptance: they are dealt with before registration.</extracomment>
        <translation>Ask the parties (confirm each point in person)</translation>
    </message>
    <message>
        <source>提交审查（回车）</source>
        <translation>Submit for review (Enter)</translation>
    </message>
    <message>
        <source>未勾选表示当事人不同意或未作声明，系统将按规定不予受理。</source>
        <translation>An unticked box means the party did not agree or declare; the application will be refused as the rules require.</translation>
    </message>
    <message>
        <source>{who}：{name}</source>
        <translation>{who}: {name}</translation>
    </message>
</context>
<context>
    <name>Application</name>
    <message>
        <source>婚姻登记窗口客户端</source>
        <translation>Marriage Registration Counter</translation>
    </message>
</context>
<context>
    <name>AuditPage</name>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>操作员</source>
        <translation>Operator</translation>
    </message>
    <message>
        <source>操作</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>业务</source>
        <translation>Case</translation>
    </message>
    <message>
        <source>档案或记录</source>
        <translation>Record</translation>
    </message>
    <message>
        <source>用途</source>
        <translation>Purpose</translation>
    </message>
    <message>
        <source>审计记录（查看、打印、被拒绝的操作）</source>
        <translation>Audit (views, prints, refused actions)</translation>
    </message>
    <message>
        <source>起始日期，如 2026-05-20；留空为全部</source>
        <translation>From date, e.g. 2026-05-20; empty for all</translation>
    </message>
    <message>
        <source>操作员工号；留空为全部</source>
        <translation>Operator ID; empty for everyone</translation>
    </message>
    <message>
        <source>查询（回车）</source>
        <translation>Search (Enter)</translation>
    </message>
    <message>
        <source>返回首页（Esc）</source>
        <translation>Back to home (Esc)</translation>
    </message>
    <message>
        <source>自</source>
        <translation>From</translation>
    </message>
    <message>
        <source>共 {count} 条（最新的在前）</source>
        <translation>{count} entries (newest first)</translation>
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
        <source>人脸识别组件出错</source>
        <translation>The face analysis failed</translation>
    </message>
    <message>
        <source>{what}。无法拍照和核验，请按 Esc 返回，并联系技术人员。</source>
        <translation>{what}. Photos and identity checks cannot be done: press Esc and call a technician.</translation>
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
    <name>CardReaderBridge</name>
    <message>
        <source>这张证件多次读取失败，可能已损坏：请按 F4 手工录入（与证件逐项核对）。</source>
        <translation>This card failed to read several times and may be damaged: press F4 to type it in (check each field against the card).</translation>
    </message>
</context>
<context>
    <name>CaseSteps</name>
    <message>
        <source>现场拍照与人证核验（F7）</source>
        <extracomment>The case steps&apos; button labels (counter_app.wiring.services.Services.case_steps), for the catalogue.</extracomment>
        <translation>Photos and identity checks (F7)</translation>
    </message>
    <message>
        <source>当事人签署声明书（F10）</source>
        <translation>Parties sign their declarations (F10)</translation>
    </message>
    <message>
        <source>高拍仪拍摄证件材料（F11）</source>
        <translation>Photograph the documents on the document camera (F11)</translation>
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
        <source>返回首页（Esc）</source>
        <extracomment>The supervisor&apos;s confirmation while it is open (tests drive it).</extracomment>
        <translation>Back to home (Esc)</translation>
    </message>
    <message>
        <source>作废这本，重新打印（F4，须负责人确认）</source>
        <translation>Void this one and print again (F4, supervisor's approval)</translation>
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
        <source>作废空白证 {serial} 并重新打印{cert}，须由负责人当场确认。</source>
        <translation>Voiding blank {serial} and printing the {cert} again needs a supervisor's approval on the spot.</translation>
    </message>
    <message>
        <source>空白证 {serial} 已作废（{reason}），负责人已确认。请放入下一本空白证后重新打印。</source>
        <translation>Blank {serial} voided ({reason}), approved by the supervisor. Load the next blank and print again.</translation>
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
        <translation>Divorce</translation>
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
    <name>DeclareStep</name>
    <message>
        <source>申请人声明（请当面询问）</source>
        <translation>The applicant&apos;s declaration (ask in person)</translation>
    </message>
    <message>
        <source>当事人声明：登记后婚姻状况没有改变（未离婚、未丧偶、未复婚）</source>
        <translation>The party declares the marital status has not changed since registration (no divorce, no death of the spouse, no remarriage)</translation>
    </message>
    <message>
        <source>提交审查（回车）</source>
        <translation>Submit for review (Enter)</translation>
    </message>
    <message>
        <source>原证件：</source>
        <translation>Original certificate:</translation>
    </message>
</context>
<context>
    <name>DemoCardTray</name>
    <message>
        <source>（演示）选择放到读卡器上的证件……</source>
        <translation>(Demo) choose a card to put on the reader…</translation>
    </message>
    <message>
        <source>演示读卡器：</source>
        <translation>Demo card reader:</translation>
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
        <source>设备检查失败，请按 F5 重新检查</source>
        <translation>The device check failed: press F5 to check again</translation>
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
    <name>DocumentPage</name>
    <message>
        <source>高拍仪拍摄证件材料</source>
        <extracomment>Seconds without a frame after which the page says the document camera is not delivering. Height of a page&apos;s thumbnail in the strip of the current paper&apos;s pages.</extracomment>
        <translation>Photograph the documents</translation>
    </message>
    <message>
        <source>正在打开高拍仪……</source>
        <translation>Opening the document camera…</translation>
    </message>
    <message>
        <source>拍摄这一页（回车）</source>
        <translation>Capture this page (Enter)</translation>
    </message>
    <message>
        <source>重拍所选页（F4）</source>
        <translation>Retake the chosen page (F4)</translation>
    </message>
    <message>
        <source>删除所选页（Delete）</source>
        <translation>Delete the chosen page (Delete)</translation>
    </message>
    <message>
        <source>下一份材料（PgDn）</source>
        <translation>Next document (PgDn)</translation>
    </message>
    <message>
        <source>返回业务（Esc），已拍的材料已保存</source>
        <translation>Back to the case (Esc); pages taken are saved</translation>
    </message>
    <message>
        <source>离婚协议书摘要（如实简要填写，协议未约定的写“无”）</source>
        <translation>Summary of the divorce agreement (brief and faithful; write &quot;无&quot; (none) for what it does not settle)</translation>
    </message>
    <message>
        <source>子女抚养（谁抚养哪个子女、抚养费）</source>
        <translation>Children (who raises which child, support payments)</translation>
    </message>
    <message>
        <source>财产分割</source>
        <translation>Division of property</translation>
    </message>
    <message>
        <source>债务处理</source>
        <translation>Debts</translation>
    </message>
    <message>
        <source>协议书有双方签名</source>
        <translation>The agreement is signed by both</translation>
    </message>
    <message>
        <source>保存协议摘要</source>
        <translation>Save the summary</translation>
    </message>
    <message>
        <source>需要拍摄的材料：</source>
        <translation>Documents to photograph:</translation>
    </message>
    <message>
        <source>这份材料已拍的页（← → 选择）：</source>
        <translation>Pages of this document (choose with ← →):</translation>
    </message>
    <message>
        <source>本业务没有需要高拍仪拍摄的材料。请按 Esc 返回。</source>
        <translation>This case has no documents to photograph. Press Esc to go back.</translation>
    </message>
    <message>
        <source>高拍仪无法打开</source>
        <translation>The document camera cannot be opened</translation>
    </message>
    <message>
        <source>{what}。请检查高拍仪的USB线和电源（设置项 camera.document_source），然后按 Esc 返回，再按 F11 重新进入；已拍的材料不会丢失。</source>
        <translation>{what}. Check the document camera&apos;s USB cable and power (setting camera.document_source), then press Esc and F11 to come back; pages taken are not lost.</translation>
    </message>
    <message>
        <source>高拍仪没有画面</source>
        <translation>No picture from the document camera</translation>
    </message>
    <message>
        <source>已找到纸张边缘：换上新的一页并放稳后自动拍摄，也可按回车拍摄。</source>
        <translation>Page edges found: lay a new page down and hold it still to capture it, or press Enter.</translation>
    </message>
    <message>
        <source>已拍</source>
        <translation>Captured</translation>
    </message>
    <message>
        <source>已重拍</source>
        <translation>Retook</translation>
    </message>
    <message>
        <source>{done}{title}第 {page} 页（分辨率：每英寸 {ppi} 像素）。有下一页请直接放上；这份材料拍完请按 PgDn 换下一份材料。</source>
        <translation>{done} page {page} of the {title} (resolution: {ppi} pixels per inch). Lay the next page down if there is one; when this document is done, press PgDn for the next.</translation>
    </message>
    <message>
        <source>重拍{title}第 {page} 页：请重新放好这一页，放稳后自动拍摄（或按回车）。新的一页存好后才替换原页。</source>
        <translation>Retake page {page} of the {title}: lay this page down again; it is captured once it lies still (or press Enter). The old page is replaced only once the new one is saved.</translation>
    </message>
    <message>
        <source>删除{title}第 {page} 页？删除后不能恢复，需要时可以重新拍摄。</source>
        <translation>Delete page {page} of the {title}? It cannot be restored; it can be photographed again if needed.</translation>
    </message>
    <message>
        <source>没有删除。</source>
        <translation>Nothing deleted.</translation>
    </message>
    <message>
        <source>已删除{title}第 {page} 页。</source>
        <translation>Page {page} of the {title} deleted.</translation>
    </message>
    <message>
        <source>{title}还没有拍摄。</source>
        <translation>The {title} has no pages yet.</translation>
    </message>
    <message>
        <source>请确认</source>
        <translation>Please confirm</translation>
    </message>
    <message>
        <source>删除（回车）</source>
        <translation>Delete (Enter)</translation>
    </message>
    <message>
        <source>不删除（Esc）</source>
        <translation>Keep it (Esc)</translation>
    </message>
    <message>
        <source>请把材料平放在高拍仪下方（深色背景），整页放入画面。</source>
        <translation>Lay the paper flat under the document camera (dark background), the whole page in the picture.</translation>
    </message>
    <message>
        <source>高拍仪拍摄：{title}</source>
        <translation>Document camera: {title}</translation>
    </message>
    <message>
        <source>请放上{title}</source>
        <translation>Put down the {title}</translation>
    </message>
    <message>
        <source>（每一页都要拍）</source>
        <translation> (every page)</translation>
    </message>
    <message>
        <source>，放稳后自动拍摄。</source>
        <translation>; it is captured when it lies still.</translation>
    </message>
    <message>
        <source>还没有拍：</source>
        <translation>Not captured yet: </translation>
    </message>
    <message>
        <source>、</source>
        <translation>, </translation>
    </message>
    <message>
        <source>。请按 PgUp 回到该材料。</source>
        <translation>. Press PgUp to go back to it.</translation>
    </message>
    <message>
        <source>材料已拍齐。请填写离婚协议书摘要并保存。</source>
        <translation>All documents captured. Fill in and save the summary of the divorce agreement.</translation>
    </message>
    <message>
        <source>证件材料已拍齐</source>
        <translation>All documents captured</translation>
    </message>
    <message>
        <source>全部材料已拍齐。按回车返回业务。</source>
        <translation>All documents captured. Press Enter to go back to the case.</translation>
    </message>
    <message>
        <source>✓ 已拍 {count} 页</source>
        <translation>✓ {count} page(s)</translation>
    </message>
    <message>
        <source>未拍</source>
        <translation>not captured</translation>
    </message>
    <message>
        <source>{title}：{mark}</source>
        <translation>{title}: {mark}</translation>
    </message>
    <message>
        <source>第 {n} 页</source>
        <translation>Page {n}</translation>
    </message>
    <message>
        <source>离婚协议书摘要已保存。</source>
        <translation>Summary of the divorce agreement saved.</translation>
    </message>
</context>
<context>
    <name>HomePage</name>
    <message>
        <source>新办结婚登记（F2）</source>
        <translation>New marriage registration (F2)</translation>
    </message>
    <message>
        <source>新办离婚登记申请（F3）</source>
        <translation>New divorce application (F3)</translation>
    </message>
    <message>
        <source>补领婚姻登记证（F4）</source>
        <translation>Reissue a certificate (F4)</translation>
    </message>
    <message>
        <source>日结与统计报表（F9）</source>
        <translation>Daily closing and reports (F9)</translation>
    </message>
    <message>
        <source>待审查与联网核对</source>
        <translation>To examine and check online</translation>
    </message>
    <message>
        <source>离婚冷静期与期限</source>
        <translation>Divorce cooling-off and deadlines</translation>
    </message>
    <message>
        <source>可以登记发证</source>
        <translation>Ready to register and issue</translation>
    </message>
    <message>
        <source>上传省级系统</source>
        <extracomment>F12: the audit screen (offered to supervisors; the service refuses anyone else).</extracomment>
        <translation>Upload to the provincial system</translation>
    </message>
    <message>
        <source>{name}，您好&#x3000;&#x3000;F5 刷新&#x3000;Ctrl+L 锁定屏幕</source>
        <translation>Hello, {name}    F5 refresh   Ctrl+L lock the screen</translation>
    </message>
    <message>
        <source>没有等待核对的业务</source>
        <translation>Nothing awaits examination or the online check</translation>
    </message>
    <message>
        <source>没有需要处理的期限</source>
        <translation>No deadlines to deal with</translation>
    </message>
    <message>
        <source>没有待发证的业务</source>
        <translation>Nothing ready to issue</translation>
    </message>
    <message>
        <source>&#x3000;F12 审计记录</source>
        <translation>   F12 audit</translation>
    </message>
    <message>
        <source>本机日志：{count} 条记录，已加密保存</source>
        <translation>This counter&apos;s journal: {count} entries, encrypted</translation>
    </message>
    <message>
        <source>本机尚未在省级系统登记（由技术人员执行 counter-app enroll）；所有业务已安全保存在本机。</source>
        <translation>This machine is not enrolled with the provincial system yet (a technician runs counter-app enroll); every case is kept safely on this machine.</translation>
    </message>
    <message>
        <source>全部已上传。</source>
        <translation>Everything is uploaded.</translation>
    </message>
    <message>
        <source>省级系统尚未确认本机的全部记录。</source>
        <translation>The provincial system has not yet confirmed all of this machine's entries.</translation>
    </message>
    <message>
        <source>待上传：{entries} 条记录、{files} 个附件（{mb:.1f} MB）。</source>
        <translation>To upload: {entries} entries, {files} attachments ({mb:.1f} MB).</translation>
    </message>
    <message>
        <source>从未</source>
        <translation>never</translation>
    </message>
    <message>
        <source> 上次成功：{when}。</source>
        <translation> Last success: {when}.</translation>
    </message>
    <message>
        <source> 上次错误（{at}）：{message}</source>
        <translation> Last error ({at}): {message}</translation>
    </message>
    <message>
        <source> 已拒收省级系统的不可信应答（{at}）：{reason}</source>
        <translation> Refused an untrustworthy answer from the provincial system ({at}): {reason}</translation>
    </message>
</context>
<context>
    <name>IntakePage</name>
    <message>
        <source>已受理</source>
        <extracomment>What the registrar sees, by the case&apos;s state after the check.</extracomment>
        <translation>Accepted</translation>
    </message>
    <message>
        <source>需要负责人审核</source>
        <translation>Needs the supervisor&apos;s review</translation>
    </message>
    <message>
        <source>不予受理</source>
        <translation>Refused</translation>
    </message>
    <message>
        <source>已受理，进入离婚冷静期</source>
        <translation>Accepted: the cooling-off period starts</translation>
    </message>
    <message>
        <source>本人自愿结婚</source>
        <extracomment>The registrar&apos;s questions per party, by business item.</extracomment>
        <translation>Marries of own free will</translation>
    </message>
    <message>
        <source>声明双方无直系血亲和三代以内旁系血亲关系</source>
        <translation>Declares no lineal kinship or collateral kinship within three generations</translation>
    </message>
    <message>
        <source>已签署离婚协议书</source>
        <translation>Has signed the divorce agreement</translation>
    </message>
    <message>
        <source>具有完全民事行为能力</source>
        <translation>Has full civil capacity</translation>
    </message>
    <message>
        <source>持内地婚姻登记机关颁发的结婚证</source>
        <translation>Holds a marriage certificate issued in mainland China</translation>
    </message>
    <message>
        <source>第 {number} 位当事人</source>
        <translation>Party {number}</translation>
    </message>
    <message>
        <source>已经读取了{who}，请换{other}的身份证。</source>
        <translation>The {who} has been read already: put the {other}&apos;s card on the reader.</translation>
    </message>
    <message>
        <source>出错：{error}（回车重试）</source>
        <translation>Error: {error} (Enter to retry)</translation>
    </message>
    <message>
        <source>打印失败：{error}</source>
        <translation>Printing failed: {error}</translation>
    </message>
    <message>
        <source>已打印《不予受理告知书》（{where}）。再次打印请按回车</source>
        <translation>Refusal notice printed ({where}). Press Enter to print it again</translation>
    </message>
    <message>
        <source>正在打印受理回执……</source>
        <translation>Printing the receipt…</translation>
    </message>
    <message>
        <source>已打印受理回执（{where}）。再次打印请按回车</source>
        <translation>Receipt printed ({where}). Press Enter to print it again</translation>
    </message>
    <message>
        <source>打印回执时出现内部错误，请按回车重试；如果反复出现，请联系技术人员（回执没有丢失）。</source>
        <translation>An internal error occurred while printing the receipt. Press Enter to try again; if it keeps happening, call a technician (the receipt is not lost).</translation>
    </message>
    <message>
        <source>回执打印失败：{error}。排除故障后按回车重打（回执没有丢失）</source>
        <translation>The receipt did not print: {error}. Fix the fault and press Enter to print it again (the receipt is not lost)</translation>
    </message>
</context>
<context>
    <name>IssueStep</name>
    <message>
        <source>发证：补发婚姻登记证</source>
        <translation>Issue: reissue the certificate</translation>
    </message>
    <message>
        <source>确认发证，分配补发字号（F9）</source>
        <translation>Confirm and allocate the reissue number (F9)</translation>
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
        <source>正在连接省级系统核验密码（该账号首次在本机登录）……</source>
        <translation>Asking the provincial system to check the password (first login of this account on this machine)…</translation>
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
    <name>MainWindow</name>
    <message>
        <source>婚姻登记窗口客户端</source>
        <translation>Marriage Registration Counter</translation>
    </message>
    <message>
        <source>（演示模式）</source>
        <translation> (demo mode)</translation>
    </message>
    <message>
        <source>演示模式：模拟设备，演示账号 demo / demo</source>
        <translation>Demo mode: simulated devices, demo account demo / demo</translation>
    </message>
    <message>
        <source>本机暂不能办理该业务。</source>
        <translation>This counter cannot handle this business yet.</translation>
    </message>
    <message>
        <source>本机暂不能办理这一步，请联系技术人员。</source>
        <translation>This counter cannot do this step yet; call a technician.</translation>
    </message>
    <message>
        <source>屏幕已锁定，请输入密码解锁</source>
        <translation>Screen locked: enter your password to unlock</translation>
    </message>
</context>
<context>
    <name>Names</name>
    <message>
        <source>男方</source>
        <extracomment>Language setting -&gt; compiled catalogue (None: the source language, nothing to load). Names the screens use everywhere (the journal and the forms keep the Chinese ones). The roles&apos; are counter_app.domain.party.ROLE_ZH, spelled again only for lupdate to collect them (tests/ui/test_i18n.py checks that the two agree).</extracomment>
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
<context>
    <name>PartyStep</name>
    <message>
        <source>确认，下一步（回车）</source>
        <translation>Confirm, next (Enter)</translation>
    </message>
    <message>
        <source>证件读不出？手工录入（F4）</source>
        <translation>Card will not read? Type it in (F4)</translation>
    </message>
    <message>
        <source>外国人持护照？读取护照芯片（F12）</source>
        <translation>Foreign party with a passport? Read its chip (F12)</translation>
    </message>
    <message>
        <source>户籍地区划代码（6 位，请核对）：</source>
        <translation>Hukou region code (6 digits, please check):</translation>
    </message>
    <message>
        <source>手工录入（请与证件逐项核对）</source>
        <translation>Manual entry (check each field against the document)</translation>
    </message>
    <message>
        <source>男</source>
        <translation>Male</translation>
    </message>
    <message>
        <source>女</source>
        <translation>Female</translation>
    </message>
    <message>
        <source>例如 1990-03-07</source>
        <translation>e.g. 1990-03-07</translation>
    </message>
    <message>
        <source>例如 2036-05-01，或 长期</source>
        <translation>e.g. 2036-05-01, or 长期 (long-term)</translation>
    </message>
    <message>
        <source>姓名：</source>
        <translation>Name:</translation>
    </message>
    <message>
        <source>性别：</source>
        <translation>Sex:</translation>
    </message>
    <message>
        <source>出生日期：</source>
        <translation>Date of birth:</translation>
    </message>
    <message>
        <source>公民身份号码：</source>
        <translation>Citizen ID number:</translation>
    </message>
    <message>
        <source>证件有效期至：</source>
        <translation>Valid until:</translation>
    </message>
    <message>
        <source>请将当事人的身份证放在读卡器上……</source>
        <translation>Put the party&apos;s ID card on the reader…</translation>
    </message>
    <message>
        <source>已读取：{name}（{sex}）</source>
        <translation>Read: {name} ({sex})</translation>
    </message>
    <message>
        <source>出生 {birth}&#x3000;号码 {number}
住址 {address}
有效期至 {valid}</source>
        <translation>Born {birth}  Number {number}
Address {address}
Valid until {valid}</translation>
    </message>
    <message>
        <source>长期</source>
        <translation>long-term</translation>
    </message>
    <message>
        <source>
提示：{warnings}</source>
        <translation>
Note: {warnings}</translation>
    </message>
    <message>
        <source>请按证件手工录入，然后按回车。</source>
        <translation>Type the details from the document, then press Enter.</translation>
    </message>
    <message>
        <source>请把护照资料页放在电子证件读卡器上，扫描机读区（或输入护照号码、出生日期、有效期），然后按回车读取芯片。</source>
        <translation>Put the passport&apos;s data page on the chip reader, scan the MRZ (or type the passport number, date of birth and expiry), then press Enter to read the chip.</translation>
    </message>
    <message>
        <source>已读取护照芯片：{name}</source>
        <translation>Passport chip read: {name}</translation>
    </message>
    <message>
        <source>还没有读到身份证。请放好身份证，或按 F4 手工录入。</source>
        <translation>No ID card read yet. Put the card on the reader, or press F4 to type it in.</translation>
    </message>
</context>
<context>
    <name>PassportWidget</name>
    <message>
        <source>外国人护照（电子芯片）：扫描或输入机读区，读取芯片</source>
        <translation>Foreign passport (chip): scan or type the MRZ, read the chip</translation>
    </message>
    <message>
        <source>用机读区扫描器扫描护照底部两行，或在下面三栏输入</source>
        <translation>Scan the passport&apos;s two MRZ lines with the MRZ scanner, or fill in the three fields below</translation>
    </message>
    <message>
        <source>例如 1986-08-12</source>
        <translation>e.g. 1986-08-12</translation>
    </message>
    <message>
        <source>例如 2031-04-15</source>
        <translation>e.g. 2031-04-15</translation>
    </message>
    <message>
        <source>读取护照芯片（回车）</source>
        <translation>Read the passport chip (Enter)</translation>
    </message>
    <message>
        <source>机读区（两行）：</source>
        <translation>MRZ (two lines):</translation>
    </message>
    <message>
        <source>护照号码：</source>
        <translation>Passport number:</translation>
    </message>
    <message>
        <source>出生日期：</source>
        <translation>Date of birth:</translation>
    </message>
    <message>
        <source>有效期至：</source>
        <translation>Date of expiry:</translation>
    </message>
    <message>
        <source>正在读取护照芯片，请不要移动护照……</source>
        <translation>Reading the passport chip, do not move the passport…</translation>
    </message>
    <message>
        <source>（照片无法显示）</source>
        <translation>(photo cannot be shown)</translation>
    </message>
    <message>
        <source>（芯片中无照片）</source>
        <translation>(no photo on the chip)</translation>
    </message>
    <message>
        <source>读取护照芯片时出现内部错误，请重新放置护照后再试；如果反复出现，请联系技术人员。</source>
        <translation>An internal error occurred while reading the passport chip. Put the passport back and try again; if it keeps happening, call a technician.</translation>
    </message>
</context>
<context>
    <name>RegistrationPage</name>
    <message>
        <source>结婚登记</source>
        <translation>Marriage registration</translation>
    </message>
    <message>
        <source>离婚登记</source>
        <translation>Divorce registration</translation>
    </message>
    <message>
        <source>撤回离婚登记申请确认单</source>
        <extracomment>The notice an ended divorce application gets, by case state.</extracomment>
        <translation>confirmation of withdrawal of the divorce application</translation>
    </message>
    <message>
        <source>离婚登记申请视为撤回告知书</source>
        <translation>notice that the divorce application is deemed withdrawn</translation>
    </message>
    <message>
        <source>审查完毕，材料齐全（F8）</source>
        <translation>Examined, documents complete (F8)</translation>
    </message>
    <message>
        <source>联网核对婚姻状况（F6）</source>
        <translation>Online marital-status check (F6)</translation>
    </message>
    <message>
        <source>登记（F9）</source>
        <translation>Register (F9)</translation>
    </message>
    <message>
        <source>生成电子档案（F12）</source>
        <translation>Build the electronic archive file (F12)</translation>
    </message>
    <message>
        <source>打印{cert}（回车）</source>
        <extracomment>This page&apos;s action at each stage of the case navigator (a blocked case may be checked again). (step key, case id): open that step&apos;s page (MainWindow.open_step). counter_app.workflows.archive_file.ArchiveFile: the file after both booklets.</extracomment>
        <translation>Print the {cert}s (Enter)</translation>
    </message>
    <message>
        <source>{who}申请撤回离婚登记申请</source>
        <translation>The {who} withdraws the divorce application</translation>
    </message>
    <message>
        <source>查看或更正材料（F8）</source>
        <translation>Review or correct the materials (F8)</translation>
    </message>
    <message>
        <source>返回首页（Esc），业务已保存</source>
        <translation>Back to home (Esc); the case is saved</translation>
    </message>
    <message>
        <source>{item}&#x3000;{number}</source>
        <translation>{item}  {number}</translation>
    </message>
    <message>
        <source>&#x3000;</source>
        <translation> | </translation>
    </message>
    <message>
        <source>{who}：{name}（{number}）</source>
        <translation>{who}: {name} ({number})</translation>
    </message>
    <message>
        <source>打印《{notice}》（回车）</source>
        <translation>Print the {notice} (Enter)</translation>
    </message>
    <message>
        <source>不予登记，打印《不予办理告知书》（F4）</source>
        <translation>Refuse registration, print the refusal notice (F4)</translation>
    </message>
    <message>
        <source>再次打印《不予办理告知书》（F4）</source>
        <translation>Print the refusal notice again (F4)</translation>
    </message>
    <message>
        <source>已不予登记，《不予办理告知书》已打印：{where}。请交当事人。</source>
        <translation>Registration refused; the refusal notice was printed: {where}. Give it to the parties.</translation>
    </message>
    <message>
        <source>{who}已撤回离婚登记申请，本案终结。请打印撤回确认单交当事人。</source>
        <translation>The {who} has withdrawn the divorce application; the case is closed. Print the withdrawal confirmation for the parties.</translation>
    </message>
    <message>
        <source>{error}。请检查打印机后再按回车重新打印。</source>
        <translation>{error}. Check the printer, then press Enter to print again.</translation>
    </message>
    <message>
        <source>已打印，输出到：{where}</source>
        <translation>Printed to: {where}</translation>
    </message>
    <message>
        <source>正在联网核对……</source>
        <translation>Checking online…</translation>
    </message>
    <message>
        <source>正在生成电子档案……</source>
        <translation>Building the electronic archive file…</translation>
    </message>
    <message>
        <source>电子档案已生成：{count} 件材料，按档案规定顺序排列。本业务已办结，按回车返回首页。</source>
        <translation>Electronic archive file built: {count} materials in the order the archive rules give. The case is finished; press Enter to go home.</translation>
    </message>
    <message>
        <source>办结，返回首页（回车）</source>
        <translation>Finished: back to home (Enter)</translation>
    </message>
    <message>
        <source>登记完成。{cert}字号：{number}。下一步：打印{cert}（男方、女方各一本）。</source>
        <translation>Registered. {cert} number: {number}. Next: print the {cert}s (one for the man, one for the woman).</translation>
    </message>
    <message>
        <source>联网核对通过：双方均可登记。下一步：登记。</source>
        <translation>Online check passed: both may register. Next: register.</translation>
    </message>
    <message>
        <source>；</source>
        <translation>; </translation>
    </message>
    <message>
        <source>联网核对未通过：{reasons}。不能登记，请核实后出具不予登记告知书。</source>
        <translation>Online check failed: {reasons}. The case cannot be registered; verify and issue the refusal notice.</translation>
    </message>
    <message>
        <source>网络不通，联网核对暂时无法进行。业务已保存在首页“等待联网核对”中，网络恢复后点选该业务即可继续。</source>
        <translation>No network: the online check cannot be done now. The case is saved on the home page under &quot;awaiting online check&quot;; pick it there when the link is back.</translation>
    </message>
    <message>
        <source>联网核对时出现内部错误，请重试；如果反复出现，请联系技术人员。</source>
        <translation>An internal error occurred during the online check. Try again; if it keeps happening, call a technician.</translation>
    </message>
</context>
<context>
    <name>ReissueCertificatesPage</name>
    <message>
        <source>补发的{cert}已打印（字号 {number}）</source>
        <translation>Reissued {cert} printed (number {number})</translation>
    </message>
    <message>
        <source>补发的证书已确认。请当事人核对后签收；《申请补领婚姻登记证声明书》由当事人签名并按指纹。按 Esc 返回首页。</source>
        <translation>The reissued certificate is confirmed. Let the party check it and sign for it; the party signs and fingerprints the reissue declaration. Press Esc to go home.</translation>
    </message>
</context>
<context>
    <name>ReissuePage</name>
    <message>
        <source>核验申请人身份：请申请人将本人身份证放在读卡器上</source>
        <translation>Verify the applicant: the applicant puts their own ID card on the reader</translation>
    </message>
    <message>
        <source>该补领业务已办结。</source>
        <translation>This reissue is finished.</translation>
    </message>
    <message>
        <source>该补领业务已不予受理：</source>
        <translation>This reissue was refused: </translation>
    </message>
    <message>
        <source>申请人：{who} {name}（身份证号与档案一致）</source>
        <translation>Applicant: {who} {name} (ID number matches the archive)</translation>
    </message>
    <message>
        <source>注意：{what}。请核对（改名的，请当事人提供户籍证明）。</source>
        <translation>Note: {what}. Check it (after a change of name, ask for the household-register proof).</translation>
    </message>
    <message>
        <source>申请人：{who} {name}&#x3000;原{cert}{cause}
补发的{cert}登记日期为原登记日期 {date}，备注栏注明补发。确认后分配补发字号（不需要联网核对）。</source>
        <translation>Applicant: {who} {name}   original {cert}: {cause}
The reissued {cert} carries the original registration date {date} and a reissue remark. Confirming allocates the reissue number (no online check needed).</translation>
    </message>
    <message>
        <source>正在查询……</source>
        <translation>Searching…</translation>
    </message>
    <message>
        <source>查询出错，请重试。</source>
        <translation>The search failed; try again.</translation>
    </message>
    <message>
        <source>

档案：</source>
        <translation>

Archive: </translation>
    </message>
    <message>
        <source>出错：{error}</source>
        <translation>Error: {error}</translation>
    </message>
    <message>
        <source>• {message}
&#x3000;依据：{basis}</source>
        <translation>• {message}
   Legal basis: {basis}</translation>
    </message>
    <message>
        <source>不予受理：</source>
        <translation>Refused: </translation>
    </message>
    <message>
        <source>需要负责人审核：</source>
        <translation>Needs the supervisor&apos;s review: </translation>
    </message>
    <message>
        <source>按 Esc 返回首页。</source>
        <translation>Press Esc to go home.</translation>
    </message>
    <message>
        <source>申请人（{who}）：现场拍照与人证核验</source>
        <translation>Applicant ({who}): photo and identity check</translation>
    </message>
    <message>
        <source>不能发证：{error}</source>
        <translation>Cannot issue: {error}</translation>
    </message>
    <message>
        <source>已发证，补发字号 {number}。</source>
        <translation>Issued: reissue number {number}. </translation>
    </message>
</context>
<context>
    <name>ReissueSteps</name>
    <message>
        <source>结婚</source>
        <translation>Marriage</translation>
    </message>
    <message>
        <source>离婚</source>
        <translation>Divorce</translation>
    </message>
    <message>
        <source>档案无身份证号</source>
        <translation>no ID number in the archive</translation>
    </message>
    <message>
        <source>{name}（{number}）</source>
        <translation>{name} ({number})</translation>
    </message>
    <message>
        <source>{date} {kind}登记&#x3000;字号 {number}&#x3000;{office}
男方 {man}&#x3000;女方 {woman}</source>
        <translation>{date} {kind} registration   number {number}   {office}
Man {man}   Woman {woman}</translation>
    </message>
</context>
<context>
    <name>ReportsPage</name>
    <message>
        <source>窗口日结（F2）</source>
        <translation>Daily closing (F2)</translation>
    </message>
    <message>
        <source>月报（F3）</source>
        <translation>Monthly (F3)</translation>
    </message>
    <message>
        <source>导出 Excel（F7）</source>
        <translation>Export Excel (F7)</translation>
    </message>
    <message>
        <source>导出 PDF（F8）</source>
        <translation>Export PDF (F8)</translation>
    </message>
    <message>
        <source>日结签字（F9）</source>
        <translation>Sign closing (F9)</translation>
    </message>
    <message>
        <source>复核签字（F10）</source>
        <translation>Countersign (F10)</translation>
    </message>
    <message>
        <source>取回各窗口日结（F11）</source>
        <translation>Fetch windows&apos; closings (F11)</translation>
    </message>
    <message>
        <source>返回（Esc）</source>
        <translation>Back (Esc)</translation>
    </message>
    <message>
        <source>日期或月份</source>
        <translation>Date or month</translation>
    </message>
    <message>
        <source>窗口号</source>
        <translation>Window number</translation>
    </message>
    <message>
        <source>本窗口</source>
        <translation>this window</translation>
    </message>
    <message>
        <source>窗口：</source>
        <translation>Window:</translation>
    </message>
    <message>
        <source>窗口日结</source>
        <translation>Window&apos;s daily closing</translation>
    </message>
    <message>
        <source>统计月报</source>
        <translation>Monthly statistics</translation>
    </message>
    <message>
        <source>日期：</source>
        <translation>Date:</translation>
    </message>
    <message>
        <source>月份：</source>
        <translation>Month:</translation>
    </message>
    <message>
        <source>图表</source>
        <translation>Charts</translation>
    </message>
    <message>
        <source>业务明细</source>
        <translation>Cases</translation>
    </message>
    <message>
        <source>&#x3000;（尚未签字）</source>
        <translation> (not signed yet)</translation>
    </message>
    <message>
        <source>&#x3000;（已签字：%1）</source>
        <translation> (signed: %1)</translation>
    </message>
    <message>
        <source>、</source>
        <translation>, </translation>
    </message>
    <message>
        <source>%1：%2 件</source>
        <translation>%1: %2 cases</translation>
    </message>
    <message>
        <source>正在导出……</source>
        <translation>Exporting…</translation>
    </message>
    <message>
        <source>已导出：%1</source>
        <translation>Exported: %1</translation>
    </message>
    <message>
        <source>确认签字 %1 的日结？签字后当日的数字不再改变，之后记入的记录会在下一次日结中列出。</source>
        <translation>Sign the closing of %1? Once signed, the day&apos;s figures no longer change; entries written later are listed on the next closing.</translation>
    </message>
    <message>
        <source>日结已签字。</source>
        <translation>The closing is signed.</translation>
    </message>
    <message>
        <source>确认复核签字 %1 的日结？</source>
        <translation>Countersign the closing of %1?</translation>
    </message>
    <message>
        <source>日结已复核签字。</source>
        <translation>The closing is countersigned.</translation>
    </message>
    <message>
        <source>正在从省级系统取回各窗口日结……</source>
        <translation>Fetching the windows&apos; closings from the provincial system…</translation>
    </message>
    <message>
        <source>无</source>
        <translation>none</translation>
    </message>
    <message>
        <source>已取回各窗口日结：%1 号窗口</source>
        <translation>Fetched the closings of window(s) %1</translation>
    </message>
    <message>
        <source>操作失败，请联系技术人员。</source>
        <translation>The operation failed; please call a technician.</translation>
    </message>
    <message>
        <source>只能在本窗口的日结上签字。</source>
        <translation>Only this window&apos;s closing can be signed here.</translation>
    </message>
    <message>
        <source>请先切换到日结（F2）。</source>
        <translation>Switch to the daily closing first (F2).</translation>
    </message>
    <message>
        <source>日期不对，请写成 年-月-日，例如 2026-05-20。</source>
        <translation>Wrong date: write year-month-day, e.g. 2026-05-20.</translation>
    </message>
    <message>
        <source>请确认</source>
        <translation>Please confirm</translation>
    </message>
</context>
<context>
    <name>ResultStep</name>
    <message>
        <source>继续：审查与登记（回车）</source>
        <translation>Continue: examination and registration (Enter)</translation>
    </message>
    <message>
        <source>打印《不予受理告知书》（回车）</source>
        <translation>Print the refusal notice (Enter)</translation>
    </message>
    <message>
        <source>打印《离婚登记申请受理回执》（回车）</source>
        <translation>Print the acceptance receipt (Enter)</translation>
    </message>
    <message>
        <source>返回首页（Esc）</source>
        <translation>Back to home (Esc)</translation>
    </message>
    <message>
        <source>• {message}
&#x3000;依据：{basis}</source>
        <translation>• {message}
   Legal basis: {basis}</translation>
    </message>
    <message>
        <source>联网核对将在登记前进行；网络中断时，业务会在首页“等待联网核对”中等候。</source>
        <translation>The online check is done before registration; without a network the case waits on the home page under &quot;awaiting online check&quot;.</translation>
    </message>
    <message>
        <source>应收材料：</source>
        <translation>Documents to collect: </translation>
    </message>
    <message>
        <source>、</source>
        <translation>, </translation>
    </message>
    <message>
        <source>请向当事人出具《不予受理告知书》（载明理由和法律依据）。</source>
        <translation>Give the parties the refusal notice (it states the reasons and the legal basis).</translation>
    </message>
    <message>
        <source>继续：拍摄离婚协议书等材料</source>
        <translation>Continue: photograph the divorce agreement and documents</translation>
    </message>
</context>
<context>
    <name>ReviewPage</name>
    <message>
        <source>审查完毕，材料齐全（F8）</source>
        <translation>Examined, documents complete (F8)</translation>
    </message>
    <message>
        <source>返回业务（Esc）</source>
        <translation>Back to the case (Esc)</translation>
    </message>
    <message>
        <source>离婚登记</source>
        <translation>Divorce registration</translation>
    </message>
    <message>
        <source>结婚登记</source>
        <translation>Marriage registration</translation>
    </message>
    <message>
        <source>{item}&#x3000;{number}：审查全部材料</source>
        <translation>{item}  {number}: examine all materials</translation>
    </message>
    <message>
        <source>（已登记，只读）</source>
        <translation> (registered: read only)</translation>
    </message>
    <message>
        <source>尚缺：</source>
        <translation>Missing: </translation>
    </message>
    <message>
        <source>；</source>
        <translation>; </translation>
    </message>
    <message>
        <source>请逐项核对以上材料，无误后按 F8 审查完毕。</source>
        <translation>Check every item above; when all is right press F8 to finish the examination.</translation>
    </message>
    <message>
        <source>已审查。更正当事人信息后须重新联网核对。</source>
        <translation>Examined. After correcting a party&apos;s details, the online check must be done again.</translation>
    </message>
    <message>
        <source>修改{title}</source>
        <translation>Change: {title}</translation>
    </message>
    <message>
        <source>（图像无法读取）</source>
        <translation>(image cannot be read)</translation>
    </message>
    <message>
        <source>更正当事人信息（回车保存，Esc 取消）</source>
        <translation>Correct a party&apos;s details (Enter saves, Esc cancels)</translation>
    </message>
    <message>
        <source>当事人</source>
        <translation>Party</translation>
    </message>
    <message>
        <source>保存更正</source>
        <translation>Save the correction</translation>
    </message>
    <message>
        <source>长期</source>
        <translation>long-term</translation>
    </message>
    <message>
        <source>没有改动。</source>
        <translation>Nothing changed.</translation>
    </message>
    <message>
        <source>{who}信息已更正（{fields}）。登记时将按更正后的信息重新审查。</source>
        <translation>The {who}&apos;s details corrected ({fields}). The rules are checked again with them at registration.</translation>
    </message>
    <message>
        <source>、</source>
        <translation>, </translation>
    </message>
</context>
<context>
    <name>SearchStep</name>
    <message>
        <source>补领婚姻登记证：查询档案</source>
        <translation>Reissue a certificate: search the archive</translation>
    </message>
    <message>
        <source>身份证号、姓名或拼音（如 lxy），可加配偶姓名或登记年份，按回车查询</source>
        <translation>ID number, name or pinyin (e.g. lxy), optionally the spouse&apos;s name or the year; Enter searches</translation>
    </message>
    <message>
        <source>可按身份证号（18 位或 15 位）、姓名、拼音全拼或首字母、配偶姓名、登记年份查询。</source>
        <translation>Search by ID number (18 or 15 digits), name, full pinyin or initials, spouse&apos;s name, year of registration.</translation>
    </message>
    <message>
        <source>没有找到相符的档案记录。请核对后换一种方式查询（如只输入姓名或身份证号）；确实查不到的，按档案遗失程序报负责人。</source>
        <translation>No matching archive record. Check and search another way (only the name, or only the ID number); if it really is not there, follow the lost-archive procedure with the supervisor.</translation>
    </message>
    <message>
        <source>（结果较多，只显示前 50 条：请加上配偶姓名或登记年份）</source>
        <translation> (many results, only the first 50 shown: add the spouse&apos;s name or the year)</translation>
    </message>
    <message>
        <source>找到 {count} 条记录{more}。按 ↓ 选择，回车办理。</source>
        <translation>{count} record(s) found{more}. Press ↓ to choose, Enter to proceed.</translation>
    </message>
</context>
<context>
    <name>SupervisorApprovalDialog</name>
    <message>
        <source>负责人确认</source>
        <translation>Supervisor's approval</translation>
    </message>
    <message>
        <source>请选择或输入原因</source>
        <translation>Choose or type the reason</translation>
    </message>
    <message>
        <source>负责人工号</source>
        <translation>Supervisor's ID</translation>
    </message>
    <message>
        <source>负责人密码</source>
        <translation>Supervisor's password</translation>
    </message>
    <message>
        <source>确认（回车）</source>
        <translation>Confirm (Enter)</translation>
    </message>
    <message>
        <source>取消（Esc）</source>
        <translation>Cancel (Esc)</translation>
    </message>
    <message>
        <source>原因：</source>
        <translation>Reason:</translation>
    </message>
    <message>
        <source>负责人工号：</source>
        <translation>Supervisor's ID:</translation>
    </message>
    <message>
        <source>密码：</source>
        <translation>Password:</translation>
    </message>
    <message>
        <source>原因</source>
        <translation>reason</translation>
    </message>
    <message>
        <source>密码</source>
        <translation>password</translation>
    </message>
    <message>
        <source>请填写：{missing}</source>
        <translation>Please fill in: {missing}</translation>
    </message>
</context>
</TS>
