package io.mlops.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.api.InvalidArgumentException;
import io.mlops.api.MlopsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeysTest {

    @TempDir
    Path temp;

    @Test
    void generate_keyIsIdDotSecret_andTheDigestIsTheSecretsSha256() throws Exception {
        IssuedApiKey issued = ApiKeys.generate("svc-credit");

        assertThat(issued.keyId()).isEqualTo("svc-credit");
        assertThat(issued.key()).startsWith("svc-credit.").matches("svc-credit\\.[A-Za-z0-9_-]{43}");
        String secret = issued.key().substring("svc-credit.".length());
        assertThat(issued.sha256()).isEqualTo(HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        assertThat(issued.line()).isEqualTo("svc-credit=" + issued.sha256());
    }

    @Test
    void generate_twice_givesDifferentSecrets() {
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            keys.add(ApiKeys.generate("svc").key());
        }
        assertThat(keys).hasSize(100);
    }

    @Test
    void issuedKey_toString_masksTheSecret() {
        IssuedApiKey issued = ApiKeys.generate("svc-credit");

        assertThat(issued.toString()).contains("svc-credit").doesNotContain(issued.key());
    }

    @Test
    void authenticate_issuedKey_givesItsKeyId() {
        IssuedApiKey issued = ApiKeys.generate("svc-credit");
        ApiKeys keys = ApiKeys.of(Map.of(issued.keyId(), issued.sha256()));

        assertThat(keys.authenticate(issued.key())).isEqualTo("svc-credit");
    }

    @Test
    void authenticate_wrongSecretUnknownIdOrMalformedKey_givesNull() {
        IssuedApiKey issued = ApiKeys.generate("svc-credit");
        ApiKeys keys = ApiKeys.of(Map.of(issued.keyId(), issued.sha256()));
        String secret = issued.key().substring(issued.key().indexOf('.') + 1);

        assertThat(keys.authenticate(ApiKeys.generate("svc-credit").key())).isNull();
        assertThat(keys.authenticate("svc-other." + secret)).isNull();
        assertThat(keys.authenticate(secret)).isNull();
        assertThat(keys.authenticate("svc-credit.")).isNull();
        assertThat(keys.authenticate(".")).isNull();
        assertThat(keys.authenticate("")).isNull();
        assertThat(keys.authenticate(null)).isNull();
        assertThat(keys.authenticate(issued.key() + "x")).isNull();
    }

    @Test
    void load_keyFile_skipsCommentsAndBlankLinesAndAcceptsUppercaseHex() throws Exception {
        IssuedApiKey a = ApiKeys.generate("svc-a");
        IssuedApiKey b = ApiKeys.generate("svc_b");
        Path file = temp.resolve("api-keys");
        Files.writeString(file, "# mlops-http API keys\n\n  " + a.line() + "  \r\n# retired: svc-old\n"
                + b.keyId() + " = " + b.sha256().toUpperCase() + "\n");

        ApiKeys keys = ApiKeys.load(file);

        assertThat(keys.keyIds()).containsExactly("svc-a", "svc_b");
        assertThat(keys.authenticate(a.key())).isEqualTo("svc-a");
        assertThat(keys.authenticate(b.key())).isEqualTo("svc_b");
        assertThat(keys.toString()).isEqualTo("ApiKeys[svc-a, svc_b]");
    }

    @Test
    void parse_badLines_listsEveryProblemByLineWithoutEchoingKeys() {
        IssuedApiKey a = ApiKeys.generate("svc-a");
        String text = a.line() + "\n"
                + "no equals sign here\n"
                + "bad id!=" + a.sha256() + "\n"
                + "svc-b=abc\n"
                + a.key() + "\n"
                + a.line() + "\n";

        assertThatThrownBy(() -> ApiKeys.parse(text))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("line 2 has no '='")
                .hasMessageContaining("line 3: key id 'bad id!' is invalid")
                .hasMessageContaining("line 4: the digest for key id 'svc-b' is not 64 hex digits")
                .hasMessageContaining("line 5")
                .hasMessageContaining("line 6: key id 'svc-a' is given twice")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(a.key().substring(6)));
    }

    @Test
    void parse_plainKeyInPlaceOfADigest_isRefusedWithoutEchoingIt() {
        IssuedApiKey a = ApiKeys.generate("svc-a");

        assertThatThrownBy(() -> ApiKeys.parse("svc-a=" + a.key()))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("not the key")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(a.key()));
    }

    @Test
    void parse_noKey_isRefused() {
        assertThatThrownBy(() -> ApiKeys.parse("# nothing yet\n"))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("no key is given");
    }

    @Test
    void load_missingFile_isMlopsExceptionNamingIt() {
        Path missing = temp.resolve("missing-keys");

        assertThatThrownBy(() -> ApiKeys.load(missing))
                .isInstanceOf(MlopsException.class)
                .hasMessageContaining(missing.toString())
                .hasCauseInstanceOf(java.nio.file.NoSuchFileException.class);
    }

    @Test
    void generate_invalidKeyId_isRefused() {
        assertThatThrownBy(() -> ApiKeys.generate("has.dot")).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("has.dot");
        assertThatThrownBy(() -> ApiKeys.generate("")).isInstanceOf(InvalidArgumentException.class);
    }
}
