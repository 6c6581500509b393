import { findingOf, type TDetector, type TFinding, type TSeverity } from "./detector.types";
import { foldText } from "./fold-text";

/**
 * Indirect prompt injection: text that arrives as data (a web page, an issue, an email,
 * a file, a tool's answer) but speaks to the model as if it were its user or its system.
 *
 * Each sign has a weight: 3 is an attack by itself (overriding instructions, hiding
 * from the user, a chat template's turn markers, hidden HTML that speaks to the model, an
 * image URL built to carry data out); 2 and 1 are signs that an honest text can carry
 * alone (it addresses "the assistant", it contains tool-call markup, it orders to send
 * something somewhere). A field's severity is the sum of its distinct signs: 3 or more is
 * high, 2 medium, 1 low. A sign quoted or reported in a text about attacks (a security
 * write-up, a scanner's documentation) weighs nothing and is reported as low.
 */

interface TSign {
  kind: string;
  weight: 1 | 2 | 3;
  /** The words a match starts with (a regex source, case-insensitive): the one pass over the text looks for these only. */
  anchors: string;
  /** Tried (sticky) where an anchor was found; lookbehinds give it the words before the anchor. */
  regex: RegExp;
  message: string;
  /** A second test on the match (e.g. the hidden text must speak to the model). */
  confirm?: (match: RegExpExecArray) => boolean;
}

/**
 * The words for an AI (also the anchors of the signs that address one): each ends at a
 * word boundary, so "a.i." is matched without its last dot, a model's version is part of
 * its name (gpt4, gpt-4o) and every name may be plural (copilots, geminis, gpts).
 */
const AI = `(?:ai|a\\.i(?=\\.)|assistant|agent|llm|language model|chat ?bot|bot|model|claude|chatgpt|gpt(?:-?\\d[\\w.-]*)?|copilot|gemini)s?`;
const SECRETS =
  "(?:api[ _-]?keys?|access[ _-]?tokens?|auth(?:entication)?[ _-]?tokens?|tokens|passwords?|passphrases?|credentials?|secrets?|private[ _-]?keys?|ssh[ _-]?keys?|id_rsa|id_ed25519|~?/?\\.ssh\\b|\\.env\\b|\\.aws/credentials|mcp\\.json|environment variables|env vars|session cookies?|cookies|seed phrase|recovery phrase|system[ _-]?prompt|(?:full|entire|whole|complete) (?:conversation|chat|history)|conversation (?:history|so far)|chat history|(?:previous|prior|earlier) messages)";
/** Hidden text that addresses a model or orders it about (a hidden menu, a template slot, a script note does not). */
const HIDDEN_SPEAKS = new RegExp(
  `\\b(?:${AI}|ignore|disregard|override|you\\s+(?:must|should|are\\s+now|are\\s+required)|do\\s+not\\s+tell|don't\\s+tell|system\\s+prompt|instructions\\s+for)\\b`,
  "i",
);
const AI_MENTION = new RegExp(`\\b${AI}\\b`, "i");
/** Verbs that move data, with their -s, -ing and -ed forms ("by sending your API keys to …"). */
/** Words of an order to a model, looked for after a spoofed system line or tag. */
const ORDERS_MODEL = new RegExp(
  `\\b(?:${AI}|ignore|disregard|override|bypass|forget|you\\s+(?:must|should|will|are\\s+now|are\\s+required|have\\s+been)|do\\s+not\\s+tell|don't\\s+tell|reveal|system\\s+prompt|the\\s+user\\s+(?:has|is|wants|asked|authori[sz]ed)|(?:call|use|invoke|run|execute)\\s+(?:the\\s+)?[\\w-]+\\s+tool|delete|transfer|forward|send|upload|grant|approve|disable)\\b`,
  "i",
);
const EXFIL_VERBS =
  "send|sends|sending|sent|forward(?:s|ing|ed)?|post(?:s|ing|ed)?|upload(?:s|ing|ed)?|e-?mail(?:s|ing|ed)?|mail(?:s|ing|ed)?|shar(?:e|es|ing|ed)|transmit(?:s|ting|ted)?|exfiltrat(?:e|es|ing|ed)|leak(?:s|ing|ed)?|cop(?:y|ies|ying|ied)|past(?:e|es|ing|ed)|submit(?:s|ting|ted)?|includ(?:e|es|ing|ed)|append(?:s|ing|ed)?|attach(?:es|ing|ed)?|put(?:s|ting)?|add(?:s|ing|ed)?|writ(?:e|es|ing)";
/**
 * Anchor sets: the words a sign's match starts with. The sets are disjoint (no word is in
 * two), so the one pass over the text says by its capture group which signs to try.
 */
const A_OVERRIDE =
  "\\b(?:ignor(?:e|a|ez|er|iere)|disregard|forget|override|bypass|abandon|discard|negeer|zignoruj|abaikan)|önceki|игнорир|забуд|忽略|无视|忽視|無視|以前|前の|上記|이전|تجاهل|पिछले|bỏ qua";
const A_CONCEAL = "\\b(?:do\\s+not|don't|dont|never|without|keep|hide|let|the\\s+user|secretly|silently|covertly|quietly|discreetly|stealthily)\\b";
const A_CONCEAL_OTHER =
  "\\b(?:digas|menciones|informes|cuentes|reveles|dites|dis|mentionne[zs]?|sag|sage|sagen|dire|dirlo|informare)\\b|révèle|révéle|não|не\\s|不要|ユーザー|사용자";
const A_TEMPLATE = "<\\|(?=[a-z_]{2,20}\\|>)|\\[/?inst\\]|<</?sys>>";
const A_HIDDEN = "\\b(?:style(?=\\s*=)|hidden)\\b";
const A_COMMENT = "<!--";
const A_LINK = "\\]\\(";
const A_MODEL_TALK = `\\b(?:${AI}|instructions?|task|goal|objective|mission|role|purpose|from\\s+now\\s+on|you\\s+are\\s+now|instead|rather|stop|system|human|eres|wenn)\\b|</?(?:system|assistant|instructions?|admin|important|critical|priority|hidden|secret|information)(?:[_-](?:prompt|message|instructions?|note))?\\b|\\[(?:system|admin|instructions?|important)\\b|êtes|você|если|如果你|あなたが`;
const A_MARKUP = '</?(?:function|invoke|tool_|use_mcp_tool|antml)|"(?:tool_calls?|function_call)"|"type"|call:';
const A_PERMISSION =
  "\\b(?:care|mind|no\\s+need|you\\s+do\\s+not\\s+need|you\\s+don't\\s+need|there\\s+is\\s+no\\s+need|already|has\\s+been|have\\s+been|it\\s+is|it's)\\b";
const A_LEAK = "\\b(?:reveal|print|output|repeat|show|display|disclose|dump|recite|return)\\b";
const A_TASK = "\\b(?:when|new|next|real|updated|actual|end)\\b";
const A_HARVEST = "\\b(?:all|every|each|everything)\\b";

const A_EXFIL = `\\b(?:${EXFIL_VERBS}|encode)\\b`;

const sticky = (source: string, flags = "i") => new RegExp(source, `${flags}y`);

// Hidden HTML, in parts. Every repeat is bounded and every alternative starts differently,
// so a match tries each position once: linear on hostile markup (the tests time a MiB).
/** One attribute of an opening tag, its value quoted or bare: the sign starts only where an attribute does. */
const HTML_ATTRIBUTE = `\\s+[^\\s"'<>=/]{1,60}(?:\\s*=\\s*(?:"[^"<>]{0,300}"|'[^'<>]{0,300}'|[^\\s"'<>=]{1,300}))?`;
/** Inside an opening tag, at an attribute: group 1 is the tag's name. Not inside a value (`class="menu hidden"`). */
const AT_ATTRIBUTE = `(?<=<([a-z][a-z0-9]{0,10})(?:${HTML_ATTRIBUTE}){0,30}\\s+)`;
/**
 * What hides an element from the reader: the `hidden` attribute (`<div hidden>`, `hidden=""`),
 * or a style that takes the text out of view (display, visibility, zero size or opacity,
 * white or transparent ink, pushed off screen). Not `overflow:hidden`, not `aria-hidden`
 * (which hides from screen readers, not from sight), not a class name such as `visually-hidden`.
 */
const HIDES =
  "(?:style\\s*=\\s*[\"'][^\"'<>]{0,300}?(?:display\\s*:\\s*none|visibility\\s*:\\s*hidden|font-size\\s*:\\s*0(?:px|em|rem|pt|%)?\\s*(?:;|[\"'])|opacity\\s*:\\s*0(?:\\.0+)?\\s*(?:;|[\"'])|color\\s*:\\s*(?:#fff(?:fff)?\\b|white\\b|transparent\\b|rgba\\([^)]{0,20},\\s*0\\))|(?:left|top|text-indent)\\s*:\\s*-\\d{3,})" +
  "|hidden(?=\\s*=|[\\s/>]))";
/** A character of text or a whole tag other than the hidden element's own (each starts differently: `<` or not). */
const CONTENT_UNIT = "[^<]|<(?!\\/?\\1\\b)[^<>]{0,300}>";
/** The hidden element's content, group 2: text and up to the limit of other tags, with one nested element of its own name, to its closing tag. */
const HIDDEN_CONTENT = `((?:${CONTENT_UNIT}|<\\1\\b[^<>]{0,300}>(?:${CONTENT_UNIT}){0,1500}?<\\/\\1\\s*>){1,1500}?)(?=<\\/\\1\\s*>)`;
const HIDDEN_ELEMENT = `${AT_ATTRIBUTE}${HIDES}[^<>]{0,300}>${HIDDEN_CONTENT}`;

const SIGNS: TSign[] = [
  // --- weight 3: an attack by itself ---
  {
    kind: "override",
    weight: 3,
    anchors: A_OVERRIDE,
    regex: sticky(
      "(?:ignore|disregard|forget|override|bypass|abandon|discard)\\s+(?:all\\s+|any\\s+|each\\s+|every\\s+|everything\\s+)?(?:of\\s+)?(?:the\\s+|your\\s+|my\\s+|these\\s+|those\\s+|its\\s+)?(?:(?:previous|prior|above|earlier|preceding|original|initial|system|existing|current|old|former|safety|security|developer|default)\\s+){1,2}(?:instructions?|prompts?|guidelines|directives|directions|guidance|constraints|guardrails|programming|restrictions)\\b" +
        // Rules, context, messages: only someone else's earlier ones ("forget the old rules of baking" is not an attack).
        "|(?:ignore|disregard|forget|override|bypass)\\s+(?:all\\s+)?(?:of\\s+)?(?:the\\s+|your\\s+)?(?:previous|prior|above|earlier|preceding|original|initial|system|safety)\\s+(?:rules|context|messages|commands|orders|tasks?|policies)\\b" +
        "|(?:ignore|disregard|forget)\\s+(?:all\\s+(?:of\\s+)?(?:the\\s+|your\\s+)?|your\\s+)(?:instructions|rules|guidelines|restrictions|guardrails)\\b" +
        "|(?:ignore|disregard)\\s+(?:all\\s+)?(?:of\\s+)?(?:the\\s+above|everything\\s+(?:above|before)|what\\s+(?:you\\s+were|i)\\s+(?:told|said))" +
        "|forget\\s+(?:everything|all)\\s+(?:you\\s+(?:were|have\\s+been)\\s+told|above|before|(?:said\\s+)?(?:so\\s+far|earlier))",
    ),
    message: "tells the model to override its instructions",
  },
  {
    kind: "concealment",
    weight: 3,
    anchors: A_CONCEAL,
    regex: sticky(
      "(?:do\\s+not|don't|dont|never|without)\\s+(?:ever\\s+)?(?:tell|telling|mention|mentioning|inform|informing|reveal|revealing|alert|alerting|notify|notifying|disclose|disclosing)\\s+(?:this\\s+|it\\s+|anything\\s+|that\\s+|any\\s+of\\s+this\\s+)?(?:to\\s+)?(?:the\\s+|your\\s+)?(?:user|human|operator|owner|customer)s?\\b" +
        "|(?:do\\s+not|don't|dont|never)\\s+let\\s+(?:the\\s+|your\\s+)?(?:user|human)s?\\s+(?:know|see|notice|find\\s+out)\\b" +
        "|(?:keep|hide)\\s+(?:this|it|these\\s+steps|the\\s+following)\\s+(?:secret\\s+|hidden\\s+)?from\\s+(?:the\\s+|your\\s+)?(?:user|human)s?\\b" +
        "|the\\s+user\\s+(?:must|should|need)\\s+(?:not|never)\\s+(?:know|see|find\\s+out|be\\s+told)\\b",
    ),
    message: "asks the model to hide something from the user",
  },
  {
    kind: "chat-template",
    weight: 3,
    anchors: A_TEMPLATE,
    regex: sticky("<\\|(?:im_start|im_end|system|user|assistant|endoftext|eot_id|start_header_id|end_header_id|begin_of_text)\\|>|\\[/?INST\\]|<</?SYS>>"),
    message: "a chat template's turn markers: text dressed up as another turn of the conversation",
  },
  {
    kind: "hidden-html",
    weight: 3,
    anchors: A_HIDDEN,
    regex: sticky(HIDDEN_ELEMENT),
    message: "hidden HTML text that speaks to the model",
    confirm: (m) => HIDDEN_SPEAKS.test((m[2] ?? "").replace(/<[^<>]*>/g, " ")),
  },
  {
    kind: "html-comment",
    weight: 3,
    anchors: A_COMMENT,
    regex: sticky("<!--([^>]{8,1500}?)-->"),
    message: "an HTML comment that speaks to the model",
    confirm: (m) =>
      AI_MENTION.test(m[1] ?? "") &&
      /\b(?:ignore|disregard|instructions?|must|should|do not|don't|send|forward|call|execute|run|instead|now)\b/i.test(m[1] ?? ""),
  },
  {
    kind: "markdown-exfiltration",
    weight: 3,
    anchors: A_LINK,
    regex: sticky(
      "\\]\\(\\s*<?https?:\\/\\/[^\\s)>]{1,300}?(?:[?&#=/:]|%3D)[\\w-]{0,20}((?:\\{[^}\\s]{0,20}(?:data|secret|key|token|password|conversation|chat|history|summary|context|prompt|info|content|email|memory|env|credential|ssh|file|answer|response|query|input|output|session|cookie|user)[^}\\s]{0,20}\\}|\\$\\{?[A-Z_][A-Z0-9_]{1,40}\\}?|<[^>\\s]{0,20}(?:data|secret|key|token|password|conversation|chat|history|summary|context|prompt|info|content|email|memory|env|credential|ssh|file|answer|response|query|input|output|session|cookie|user)[^>\\s]{0,20}>|\\[[A-Z_][A-Z0-9_ ]{1,40}\\]|%7B[^)\\s]{1,60}%7D|(?:INSERT|ADD|PUT|APPEND|YOUR|THE)_[A-Z_]{2,40}))",
    ),
    message: "an image or link whose URL is a template to fill with data (exfiltration by rendering)",
    // Bare placeholders are written in capitals ($SECRETS, [USER_DATA], INSERT_HERE); "$http" in a docs link is a path.
    confirm: (m) => {
      const placeholder = m[1] ?? "";
      return /^[{<%]|^\$\{/.test(placeholder) || placeholder === placeholder.toUpperCase();
    },
  },
  {
    kind: "exfiltration-order",
    weight: 3,
    anchors: A_EXFIL,
    regex: sticky(
      `(?:${EXFIL_VERBS})\\b[^\\n]{0,120}?${SECRETS}[^\\n]{0,120}?\\b(?:to|into|at|via)\\s+(?:this\\s+|the\\s+following\\s+|my\\s+)?(?:<?https?:\\/\\/|[\\w.+-]+@[\\w-]+\\.[\\w.]+|(?:url|address|endpoint|webhook|server)\\b)` +
        `|(?:${EXFIL_VERBS})\\b[^\\n]{0,40}?\\b(?:them|it|this|everything|all\\s+of\\s+(?:it|them))\\s+to\\s+(?:<?https?:\\/\\/|[\\w.+-]+@[\\w-]+\\.[\\w.]+)[^\\n]{0,200}?${SECRETS}`,
    ),
    message: "orders to send secrets, the system prompt or the conversation somewhere",
  },
  {
    kind: "covert-action",
    weight: 3,
    anchors: A_CONCEAL,
    regex: sticky(
      "(?:secretly|silently|covertly|quietly|discreetly|stealthily)\\s+(?:call|send|read|include|pass|forward|upload|copy|add|post|share|e-?mail|delete|transfer|run|execute|invoke|use)(?:s|es|ed|ing)?\\b" +
        "|without\\s+(?:asking|waiting)\\s+(?:for\\s+)?(?:the\\s+user'?s?\\s+)?(?:permission|confirmation|approval|consent)\\b",
    ),
    message: "asks the model to act covertly or without the user's consent",
  },
  {
    kind: "prompt-leak",
    weight: 3,
    anchors: A_LEAK,
    regex: sticky(
      "(?:reveal|print|output|repeat|show|display|disclose|dump|recite|return)\\s+(?:me\\s+|us\\s+)?(?:all\\s+(?:of\\s+)?)?(?:your|the)\\s+(?:full\\s+|entire\\s+|complete\\s+|original\\s+|hidden\\s+|secret\\s+|initial\\s+)?(?:system\\s+(?:prompt|message|instructions)|initial\\s+(?:prompt|instructions)|instructions\\s+above|(?:hidden|secret|original)\\s+instructions|developer\\s+(?:message|instructions))\\b",
    ),
    message: "asks the model to reveal its system prompt",
  },
  {
    kind: "url-exfiltration",
    weight: 2,
    anchors: A_EXFIL,
    regex: sticky(
      `(?:${EXFIL_VERBS}|encode)\\b[^\\n]{0,60}?\\b(?:conversation|chat\\s+history|history|(?:e-?mail\\s+)?address(?:es)?|phone\\s+numbers?|secrets?|api\\s+keys?|tokens?|passwords?|credentials?|(?:the\\s+)?user'?s\\s+\\w+|their\\s+\\w+|your\\s+(?:secrets?|tokens?|passwords?|keys?|notes|files|e-?mails?))\\b[^\\n]{0,60}?\\b(?:to|in|into|as|at\\s+the\\s+end\\s+of)\\s+(?:the\\s+|this\\s+|a\\s+)?(?:url|link|query(?:\\s+string)?|(?:url\\s+|query\\s+)?parameter|image(?:\\s+url)?|src|webhook)\\b`,
    ),
    message: "asks to put data into a URL (exfiltration by a link or an image)",
  },
  {
    kind: "task-hijack",
    weight: 2,
    anchors: A_TASK,
    regex: sticky(
      // The model's tasks (a person reads and reviews; a model summarises and processes).
      "when\\s+(?:you\\s+(?:are\\s+)?)?(?:summari[sz]|process|analy[sz]|translat)(?:e|es|ing)?\\s+(?:this|the|these)\\s+(?:page|document|email|e-mail|message|text|article|content|file|issue|comment|website|results?)\\b" +
        // A fake end of the data, with more text after it.
        "|(?:new|next|real|updated|actual)\\s+task\\s*:|(?<=(?:^|\\n)[\\s\\-=*#>\\[]{0,10})end\\s+of\\s+(?:the\\s+)?(?:document|email|e-mail|context|input|user\\s+input|data|message)[\\s\\-=*#\\]]{0,10}\\n(?=\\s*\\S)",
    ),
    message: "redirects the model's task from inside the data",
  },
  // Other languages: override and concealment.
  {
    kind: "override",
    weight: 3,
    anchors: A_OVERRIDE,
    regex: sticky(
      "ignor[ae]\\s+(?:todas\\s+|tutte\\s+)?(?:las|as|le)\\s+(?:instrucciones|instruções|istruzioni)\\s+(?:anteriores|previas|precedenti)" +
        "|ignore[zr]?\\s+(?:toutes\\s+)?les\\s+(?:instructions|consignes)\\s+(?:précédentes|antérieures)" +
        "|ignorier(?:e|en\\s+sie)\\s+(?:alle\\s+)?(?:vorherigen|bisherigen|obigen|vorangegangenen)\\s+(?:anweisungen|instruktionen|befehle)" +
        "|negeer\\s+(?:alle\\s+)?(?:vorige|eerdere)\\s+instructies" +
        "|игнорир(?:уй|уйте)\\s+(?:все\\s+)?(?:предыдущие|прежние)\\s+(?:инструкции|указания)|забудь(?:те)?\\s+(?:все\\s+)?(?:предыдущие\\s+)?инструкции" +
        "|(?:忽略|无视|忽視|無視)(?:之前|以前|上述|先前|上面|前面)?的?(?:所有|全部)?(?:指令|指示|说明|說明)" +
        "|(?:以前|前|上記)の(?:指示|命令)を(?:すべて)?無視|이전\\s*(?:의\\s*)?(?:모든\\s*)?(?:지시|명령)(?:을|를)?\\s*무시" +
        "|zignoruj\\s+(?:wszystkie\\s+)?(?:poprzednie|wcześniejsze)\\s+(?:instrukcje|polecenia)|abaikan\\s+(?:semua\\s+)?instruksi\\s+sebelumnya" +
        "|önceki\\s+(?:tüm\\s+)?talimatları\\s+(?:yok\\s+say|görmezden\\s+gel)|تجاهل\\s+(?:جميع\\s+|كل\\s+)?التعليمات\\s+السابقة" +
        "|पिछले\\s+(?:सभी\\s+)?निर्देशों\\s+को\\s+(?:अनदेखा|नज़रअंदाज़|नजरअंदाज)|bỏ qua\\s+(?:tất cả\\s+)?(?:các\\s+)?(?:hướng dẫn|chỉ dẫn)\\s+(?:trước|trước đó)",
    ),
    message: "tells the model to override its instructions (another language)",
  },
  {
    kind: "concealment",
    weight: 3,
    anchors: A_CONCEAL_OTHER,
    regex: sticky(
      "(?<=\\bno\\s+(?:le\\s+)?)(?:digas|menciones|informes|cuentes|reveles)\\s+(?:nada\\s+)?(?:esto\\s+)?al\\s+usuario" +
        "|(?<=\\bne\\s+(?:le\\s+|lui\\s+)?)(?:dites|dis|mentionne[zs]?|r[ée]v[èé]le[zs]?)\\s+(?:rien|pas)\\s+(?:de\\s+ceci\\s+)?à\\s+l['’]utilisateur" +
        "|(?:sag|sage|sagen\\s+sie)\\s+(?:es\\s+|das\\s+)?dem\\s+(?:benutzer|nutzer)\\s+nicht" +
        "|não\\s+(?:diga|conte|informe|mencione)\\s+(?:nada\\s+)?ao\\s+usuário" +
        "|(?<=\\bnon\\s+)(?:dire|dirlo|informare)\\s+(?:nulla\\s+)?all['’]utente" +
        "|не\\s+(?:говори|сообщай|рассказывай)(?:те)?\\s+(?:об\\s+этом\\s+)?пользователю" +
        "|不要(?:告诉|通知|让|告訴)(?:用户|使用者)|ユーザーに(?:は)?(?:言わ|伝え|知らせ|教え)ないで|사용자에게\\s*(?:알리지|말하지)\\s*마",
    ),
    message: "asks the model to hide something from the user (another language)",
  },
  // --- weight 2: strong signs an honest text rarely carries ---
  {
    kind: "addressed-to-model",
    weight: 2,
    anchors: A_MODEL_TALK,
    regex: sticky(
      `(?<=\\b(?:if\\s+you\\s+are\\s+(?:an?\\s+)?|(?:note|message|attention|important(?:\\s+(?:note|message))?)\\s+(?:to|for)\\s+(?:the\\s+|any\\s+|all\\s+)?|(?:dear|hey|hello|hi|attention|attn)\\s*,?\\s+))${AI}\\b` +
        `|${AI}\\s+(?:reading|processing|summari[sz]ing|parsing|viewing|crawling|scraping|analy[sz]ing)\\s+(?:this|these)\\b` +
        // "a message from me to you, the AI assistant"
        `|(?<=\\byou,\\s+(?:the|an?|my|our)\\s+)${AI}\\b`,
    ),
    message: "speaks to the AI reading it",
  },
  {
    kind: "addressed-to-model",
    weight: 2,
    anchors: A_MODEL_TALK,
    regex: sticky(
      "(?<=\\bsi\\s+)eres\\s+(?:un|una)\\s+(?:ia|asistente|modelo)|(?<=\\bsi\\s+vous\\s+)êtes\\s+(?:une?\\s+)?(?:ia|assistant|modèle)|wenn\\s+du\\s+(?:eine?\\s+)?(?:ki|assistent|sprachmodell)\\s+bist|(?<=\\bse\\s+)você\\s+(?:é|for)\\s+(?:uma?\\s+)?(?:ia|assistente)|если\\s+ты\\s+(?:ии|ассистент|модель|бот)|如果你是(?:一个)?(?:ai|人工智能|助手|模型)|あなたが(?:ai|aiアシスタント|アシスタント)なら",
    ),
    message: "speaks to the AI reading it (another language)",
  },
  {
    kind: "new-instructions",
    weight: 2,
    anchors: A_MODEL_TALK,
    regex: sticky(
      "(?<=\\b(?:new|updated|real|actual|true|revised|additional|secret|hidden)\\s+(?:system\\s+)?)instructions?\\s*:" +
        "|(?<=\\byour\\s+(?:new|real|actual|true|updated|only)\\s+)(?:task|goal|instructions?|objective|mission|role|purpose)\\s+(?:is|are|now)\\b" +
        "|from\\s+now\\s+on,?\\s+you\\s+(?:are|will|must|should|shall)\\b" +
        "|you\\s+are\\s+now\\s+(?:in\\s+)?(?:dan|developer\\s+mode|jailbroken|an?\\s+unrestricted|an?\\s+unfiltered|free\\s+from)" +
        "|(?:instead|rather),?\\s+(?:you\\s+(?:must|should|will)\\s+)?(?:now\\s+)?(?:do|perform|execute|carry\\s+out)\\s+the\\s+following\\b" +
        "|stop\\s+(?:what\\s+you\\s+are\\s+doing|your\\s+current\\s+task)\\b",
    ),
    message: "gives the model new instructions",
  },
  {
    kind: "system-spoof",
    weight: 2,
    anchors: A_MODEL_TALK,
    regex: sticky(
      "(?:(?<=(?:^|\\n)[ \\t]*(?:#{1,6}[ \\t]*|\\*\\*|\\[|<)?)(?:SYSTEM|System\\s+(?:[Mm]essage|[Pp]rompt|[Ii]nstruction|[Oo]verride|[Nn]otice|[Uu]pdate|[Aa]lert))[ \\t]*(?:\\]|>|\\*\\*)?[ \\t]*:" +
        "|<\\/?(?:system|system[_-]?(?:prompt|message|instructions?)|assistant|instructions?|admin|important|critical|priority|hidden|secret|information|important[_-]?(?:message|note)|admin[_-]?message)\\b[^<>\\n]{0,40}>" +
        "|\\[(?:SYSTEM|ADMIN|INSTRUCTIONS?|IMPORTANT)\\b[^\\]\\n]{0,30}\\]" +
        "|(?<=(?:^|\\n)[ \\t]*)(?:Human|Assistant)[ \\t]*:[^\\n]{0,400}\\n+[ \\t]*(?:Human|Assistant)[ \\t]*:" +
        "|(?<=(?:^|\\n)[ \\t]*(?:#{1,6}[ \\t]*)?)Instructions?[ \\t]*:)" +
        // What follows, for the confirmation: a log's "[SYSTEM] backup done" or a recipe's "Instructions:" is not addressed to a model.
        "(?=([\\s\\S]{0,300}))",
      "",
    ),
    message: "text dressed up as a system message, another turn, or instructions to the model",
    confirm: (m) => ORDERS_MODEL.test(m[0]) || ORDERS_MODEL.test(m[1] ?? ""),
  },
  {
    kind: "tool-call-markup",
    weight: 2,
    anchors: A_MARKUP,
    regex: sticky("<\\/?(?:function_calls?|invoke|tool_use|tool_call|tool_calls|use_mcp_tool|tool_code|antml:[a-z_]+)\\b[^<>\\n]{0,80}>"),
    message: "tool-call markup: text that imitates the model's own tool calls",
  },
  {
    // JSON tool calls are what API documentation shows: a sign only with others.
    kind: "tool-call-json",
    weight: 1,
    anchors: A_MARKUP,
    regex: sticky(
      '"(?:tool_calls?|function_call)"\\s*:\\s*[[{]|"type"\\s*:\\s*"(?:tool_use|function)"\\s*,\\s*"(?:name|function)"|call:\\s*[a-z_]{3,40}\\(\\s*\\{',
    ),
    message: "a tool call written as JSON",
  },
  {
    kind: "permission-bypass",
    weight: 2,
    anchors: A_PERMISSION,
    regex: sticky(
      "(?<=\\b(?:does\\s+not|doesn't|do\\s+not|don't|won't|will\\s+not)\\s+)(?:care|mind)\\s+about\\s+(?:privacy|security|confidentiality)\\b" +
        "|(?:no\\s+need|there\\s+is\\s+no\\s+need|you\\s+do\\s+not\\s+need|you\\s+don't\\s+need)\\s+to\\s+(?:ask|confirm|check\\s+with|get\\s+(?:permission|approval))\\b" +
        "|(?:already|has\\s+been|have\\s+been)\\s+(?:pre-?)?(?:authori[sz]ed|approved)\\s+(?:by\\s+the\\s+user\\s+)?to\\s+(?:send|share|read|access|forward|delete|transfer)" +
        "|(?:it\\s+is|it's)\\s+(?:fine|ok|okay|safe|allowed)\\s+to\\s+(?:share|send|reveal|include|publish|leak)\\s+(?:all\\s+|any\\s+|the\\s+)?(?:private|personal|confidential|secret|sensitive)",
    ),
    message: "tells the model that permission or privacy does not matter",
  },
  // --- weight 1: signs an honest text may well carry ---
  {
    kind: "model-order",
    weight: 1,
    anchors: A_MODEL_TALK,
    regex: sticky(
      `${AI}\\s+(?:must|should|needs?\\s+to|has\\s+to|is\\s+required\\s+to|shall|will\\s+now|is\\s+to)\\s+(?:now\\s+|immediately\\s+|first\\s+|also\\s+|always\\s+)?(?:call|use|invoke|run|execute|send|forward|e-?mail|post|create|delete|read|open|fetch|visit|navigate|include|add|reply|respond|say|output|print|write|reveal|list|grant|transfer|approve|push|merge|upload|share)\\b` +
        `|${AI}\\s*[:,]\\s*(?:please\\s+)?(?:call|use|invoke|run|execute|send|forward|e-?mail|post|create|delete|read|open|fetch|visit|include|add|reply|respond|say|output|print|write|reveal|list|transfer|upload|share)\\b`,
    ),
    message: "orders the AI to act",
  },
  {
    kind: "data-harvest",
    weight: 1,
    anchors: A_HARVEST,
    regex: sticky(
      "(?<=\\b(?:read|list|collect|gather|get|fetch|find|open|dump|go\\s+through|look\\s+up)\\s+)(?:all|every|each)\\s+(?:of\\s+)?(?:the\\s+user'?s?\\s+|their\\s+|his\\s+|her\\s+|your\\s+|the\\s+author'?s?\\s+|the\\s+)?(?:(?:other|private|personal|internal)\\s+){0,2}(?:repos|repositories|files|e-?mails|messages|documents|contacts|keys|secrets|passwords|tokens|chats|conversations|notes|records)\\b" +
        "|(?<=\\b(?:put|include|add|post|share|paste|dump)\\s+(?:absolutely\\s+)?)everything\\s+(?:you\\s+(?:find|found|can\\s+find|know|have)|in\\s+the)\\b",
    ),
    message: "asks to collect private data wholesale",
  },
  {
    kind: "bulk-exfiltration",
    weight: 2,
    anchors: A_EXFIL,
    regex: sticky(
      "(?:send|forward|e-?mail|post|upload|transmit|exfiltrate|copy)\\s+(?:all|every|each|the\\s+entire|the\\s+whole)\\s+(?:of\\s+)?(?:the\\s+user'?s?\\s+|their\\s+|your\\s+|my\\s+|the\\s+)?(?:\\w+\\s+){0,2}?(?:files|e-?mails|messages|documents|data|contents|history|conversations?|chats?|notes|contacts|records|repos|repositories|invoices|attachments)\\b[^\\n.]{0,80}?\\bto\\s+(?:<?https?:\\/\\/|[\\w.+-]+@[\\w-]+\\.[\\w.]+)",
    ),
    message: "orders to send data wholesale to an outside address",
  },
  {
    kind: "exfiltration-order",
    weight: 1,
    anchors: A_EXFIL,
    regex: sticky(
      "(?:send|forward|e-?mail|post|upload|transmit|exfiltrate)\\s+(?:all\\s+|every\\s+|the\\s+|a\\s+copy\\s+of\\s+|copies\\s+of\\s+)?(?:of\\s+)?(?:the\\s+user'?s?\\s+|their\\s+|your\\s+|this\\s+)?(?:files|e-?mails|messages|documents|data|contents?|results?|history|summary|conversation|chat|notes)\\b[^\\n.]{0,60}?\\bto\\s+(?:<?https?:\\/\\/|[\\w.+-]+@[\\w-]+\\.[\\w.]+)",
    ),
    message: "orders to send data to an address",
  },
];

const ANCHOR_SETS = [...new Set(SIGNS.map((s) => s.anchors))].map((anchors) => SIGNS.filter((s) => s.anchors === anchors));

/** For the tests: which anchor sets a word starts (each word must start exactly one, or some signs are never tried). */
export function anchorSetsOf(word: string): number[] {
  return ANCHOR_SETS.flatMap((signs, i) => (new RegExp(`^(?:${signs[0]!.anchors})`, "i").test(word) ? [i] : []));
}
/**
 * The anchors split three ways, because V8 scans fastest what starts at a word boundary:
 * Latin words (one leading \b for all), symbols, and words of other scripts (searched only
 * when the text has such letters). Each keeps one capture group per anchor set.
 */
function splitAnchors(anchors: string): { latin: string[]; symbols: string[]; other: string[] } {
  const latin: string[] = [];
  const symbols: string[] = [];
  const other: string[] = [];
  // Top-level alternatives of the set's source.
  let depth = 0;
  let start = 0;
  const parts: string[] = [];
  for (let i = 0; i < anchors.length; i++) {
    const c = anchors[i];
    if (c === "\\") i++;
    else if (c === "(" || c === "[") depth++;
    else if (c === ")" || c === "]") depth--;
    else if (c === "|" && depth === 0) {
      parts.push(anchors.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(anchors.slice(start));
  for (const part of parts) {
    if (/[^ -~]/.test(part)) other.push(part);
    else if (part.startsWith("\\b")) latin.push(part.slice(2));
    else symbols.push(part);
  }
  return { latin, symbols, other };
}
const SPLIT = ANCHOR_SETS.map((signs) => splitAnchors(signs[0]!.anchors));
interface TTrigger {
  regex: RegExp;
  /** Capture group i (from 1) is anchor set sets[i - 1]. */
  sets: number[];
}
function triggerOf(pick: (s: ReturnType<typeof splitAnchors>) => string[], prefix = ""): TTrigger {
  const sets = SPLIT.flatMap((split, i) => (pick(split).length ? [i] : []));
  const groups = sets.map((i) => `(${pick(SPLIT[i]!).join("|")})`).join("|");
  return { regex: new RegExp(`${prefix}(?:${groups})`, "g"), sets };
}
/** Run on the lower-cased text: V8 scans a case-sensitive alternation faster than a case-insensitive one. */
const TRIGGERS = [triggerOf((s) => s.latin, "\\b"), triggerOf((s) => s.symbols)];
const TRIGGER_OTHER = triggerOf((s) => s.other);
/** Letters of the scripts the other-language anchors are written in. */
const OTHER_SCRIPTS = /[\u0400-\u04FF\u0600-\u06FF\u0900-\u097F\u3040-\u30FF\u4E00-\u9FFF\uAC00-\uD7AF\u00EA\u00E3\u00E9\u00F6\u00FC\u1EA0-\u1EF9]/;

interface THit {
  sign: TSign;
  start: number;
  end: number;
}

/** Every sign found in a text, each at its anchor. */
function findSigns(text: string): THit[] {
  const hits: THit[] = [];
  const seen = new Set<TSign>();
  let lower = text.toLowerCase();
  // Lower-casing a few characters changes the length (İ): then the patterns see the text as is.
  if (lower.length !== text.length) lower = text;
  const triggers = OTHER_SCRIPTS.test(text) ? [...TRIGGERS, TRIGGER_OTHER] : TRIGGERS;
  for (const { regex: trigger, sets } of triggers) {
    trigger.lastIndex = 0;
    for (let match = trigger.exec(lower); match; match = trigger.exec(lower)) {
      const at = match.index;
      let group = 1;
      while (match[group] === undefined) group++;
      for (const sign of ANCHOR_SETS[sets[group - 1]!]!) {
        if (seen.has(sign)) continue;
        sign.regex.lastIndex = at;
        const found = sign.regex.exec(text);
        if (!found || (sign.confirm && !sign.confirm(found))) continue;
        hits.push({ sign, start: at, end: at + found[0].length });
        seen.add(sign);
      }
      // Anchors may overlap (an anchor inside another's match): look again from the next character.
      trigger.lastIndex = at + 1;
    }
  }
  return hits;
}

/** A text that is about attacks (a write-up, a scanner's docs) quotes signs rather than making them. */
const ABOUT_ATTACKS =
  /\b(?:prompt[- ]injections?|injection attacks?|jailbreaks?|attackers?|adversar(?:y|ies|ial)|malicious|exploit(?:s|ed|ation)?|vulnerabilit(?:y|ies)|red[- ]team(?:ing)?|security research(?:ers)?|payloads?|phishing|threat model|(?:guard|detector|scanner|classifier|filter)s?\s+(?:flags?|detects?|blocks?|catch(?:es)?))\b/i;
const REPORTED =
  /(?:\b(?:such as|like|e\.g\.|i\.e\.|for example|for instance|example|phrases?|strings?|text|sentences?|payloads?|messages?|commands?|words?|patterns?|called|known as|saying|says|said|reads?|containing|contains?|including|includes)\s*[:,]?\s*["'“‘«`]?|\b(?:tells?|told|instructs?|instructed|asks?|asked|tricks?|tricked|convinces?|coax(?:es)?|forces?|causes?|makes?|made|get|gets|getting|persuades?)\s+(?:the\s+|a\s+|an\s+)?(?:model|ai|llm|assistant|agent|chatbot|bot|victim)s?\s+(?:in)?to\s+)$/i;
const QUOTES = /["'“”‘’«»`]/;

function isReported(text: string, start: number, end: number, aboutAttacks: boolean): boolean {
  if (!aboutAttacks) return false;
  const before = text.slice(Math.max(0, start - 60), start);
  if (REPORTED.test(before)) return true;
  const quotedBefore = QUOTES.test(text.slice(Math.max(0, start - 3), start));
  const quotedAfter = QUOTES.test(text.slice(end, end + 3));
  if (quotedBefore && quotedAfter) return true;
  // Inside a fenced code block or an inline code span of a text about attacks: an example.
  return isInCodeFence(text, start);
}

const isInCodeFence = (text: string, at: number) => (text.slice(0, at).match(/```/g) ?? []).length % 2 === 1;
/** Markup that documentation shows in code blocks (chat templates, tool calls): there it is an example, whatever the text is about. */
const DOCUMENTED_MARKUP = new Set(["chat-template", "tool-call-markup", "tool-call-json"]);
/**
 * A spoofed system tag (`<system_prompt>`) is markup too: in a code block it is a prompt
 * format being documented. Only the sign itself weighs nothing there; orders inside the
 * block (an override, concealment, exfiltration) are signs of their own and still count.
 */
const isDocumentedMarkup = (hit: THit, text: string) =>
  (DOCUMENTED_MARKUP.has(hit.sign.kind) || (hit.sign.kind === "system-spoof" && text[hit.start] === "<")) && isInCodeFence(text, hit.start);

/** Signs that only mean something in data: a definition addresses the model and tells it what to call. */
const ADDRESSING = new Set(["addressed-to-model", "model-order", "tool-call-json"]);

const severityOf = (weight: number): TSeverity => (weight >= 3 ? "high" : weight === 2 ? "medium" : "low");

export const promptInjection: TDetector = {
  id: "prompt-injection",
  version: 1,
  scan(fields, context) {
    const findings: TFinding[] = [];
    for (const { location, text: original } of fields) {
      const folded = foldText(original);
      const text = folded.text;
      // Tool descriptions and server instructions are written for the model: addressing it is their job.
      const hits = findSigns(text).filter((h) => context?.kind !== "definition" || !ADDRESSING.has(h.sign.kind));
      if (!hits.length) continue;
      const aboutAttacks = ABOUT_ATTACKS.test(text);
      // One finding per kind: the strongest sign of that kind that is not merely quoted.
      const byKind = new Map<string, THit & { reported: boolean }>();
      for (const hit of hits) {
        const reported = isReported(text, hit.start, hit.end, aboutAttacks) || isDocumentedMarkup(hit, text);
        const previous = byKind.get(hit.sign.kind);
        const isBetter = !previous || (previous.reported && !reported) || (previous.reported === reported && hit.sign.weight > previous.sign.weight);
        if (isBetter) byKind.set(hit.sign.kind, { ...hit, reported });
      }
      const kept = [...byKind.values()];
      const weight = kept.reduce((sum, f) => sum + (f.reported ? 0 : f.sign.weight), 0);
      const severity = severityOf(weight);
      const others = kept.filter((f) => !f.reported).length;
      for (const { sign, start, end, reported } of kept) {
        const from = folded.toOriginal(start);
        const to = folded.toOriginal(end);
        findings.push(
          findingOf(promptInjection, {
            severity: reported ? "low" : severity,
            message: reported
              ? `${sign.message} (quoted or reported, in a text about attacks)`
              : others > 1
                ? `${sign.message} (with ${others - 1} other sign${others > 2 ? "s" : ""} of injection in this text)`
                : sign.message,
            location,
            evidence: { text: original.slice(from, Math.min(to, from + 300)), start: from, end: to },
          }),
        );
      }
    }
    return findings;
  },
};
