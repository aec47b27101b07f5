package exchange.router.auth;

import java.util.Optional;

import org.springframework.data.repository.Repository;

interface ApiKeyRepository extends Repository<ApiKeyRow, String> {

    Optional<ApiKeyRow> findById(String publicKey);
}
